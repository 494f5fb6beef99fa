using Graystep.Sandbox;

// graystep-sandbox: a simulator of Kubernetes + service mesh + GitOps reconciler for the demo and the end-to-end tests.
return await SandboxCli.RunAsync(args, Console.Out, Console.Error).ConfigureAwait(false);
