using Graystep.Core.Spec;
using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Graystep.Core.Errors;
using Graystep.Sandbox.Behaviour;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Console;

namespace Graystep.Sandbox;

/// <summary>The <c>graystep-sandbox</c> command line: options → <see cref="SandboxOptions"/> → <see cref="SandboxHost"/>.</summary>
internal static class SandboxCli
{
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        var root = Create(output, error);
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0 && parse.Action is not System.CommandLine.Help.HelpAction)
        {
            foreach (var e in parse.Errors)
            {
                await error.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
            }

            await error.WriteLineAsync("hint: run graystep-sandbox --help for the options").ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        try
        {
            return await parse.InvokeAsync(
                new InvocationConfiguration
                {
                    Output = output,
                    Error = error,
                    EnableDefaultExceptionHandler = false,
                    ProcessTerminationTimeout = TimeSpan.FromSeconds(15),
                },
                cancellationToken).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // The one top-level handler: anything unexpected becomes "error:" and exit 1.
        catch (Exception e)
#pragma warning restore CA1031
        {
            await error.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
            if (Environment.GetEnvironmentVariable("GRAYSTEP_TRACE") is { Length: > 0 })
            {
                await error.WriteLineAsync(e.ToString()).ConfigureAwait(false);
            }

            return ExitCodes.Failure;
        }
    }

    public static RootCommand Create(TextWriter output, TextWriter error)
    {
        var repo = new Option<string>("--repo")
        {
            Description = "The GitOps repository to follow: a bare repo path or a file:// URL (read with git ls-remote/fetch; never written)",
            Required = true,
        };
        var branch = new Option<string>("--branch") { Description = "The branch to follow", DefaultValueFactory = _ => "main" };
        var path = new Option<string>("--path") { Description = "Folder in the repo that holds the rendered output folders (default: the whole repo)", DefaultValueFactory = _ => string.Empty };
        var syncDelay = DurationOption("--sync-delay", "Apply a commit this long after first seeing it, like Argo CD/Flux", TimeSpan.FromSeconds(2));
        var proxyDelay = DurationOption("--proxy-delay", "Routes reach the proxies this long after a commit is applied (workloads change at once), as in a real mesh", TimeSpan.Zero);
        var rolloutDelay = DurationOption("--rollout-delay", "A Deployment whose pod template changed reports all its replicas ready this long after it is applied (the Kubernetes API's rollout status)", TimeSpan.FromSeconds(1));
        var forgetRouting = new Option<bool>("--forget-routing") { Description = "Drift: apply commits after the first without their routing changes (weights, matches, selectors); POST /sandbox/forget-routing?on=false undoes it" };
        var poll = DurationOption("--poll", "How often to read the branch tip", TimeSpan.FromMilliseconds(500));
        var rps = new Option<double>("--rps") { Description = "Simulated user requests per second, per routed app (0: no background traffic)", DefaultValueFactory = _ => 10 };
        var abShare = new Option<double>("--ab-share") { Description = "Share of simulated users carrying the A/B header or cookie of the rendered match rule (0..1)", DefaultValueFactory = _ => 0.2 };
        var users = new Option<int>("--users") { Description = "Number of simulated users", DefaultValueFactory = _ => 1000 };
        var loadTestRps = new Option<double>("--loadtest-rps") { Description = "Requests per second sent straight to each canary, as Flagger's load tester does (0: off)", DefaultValueFactory = _ => 0 };
        var behaviour = new Option<string?>("--behaviour") { Description = "YAML or JSON file with per-version behaviour (error rate, 404 rate, latency), keyed by version, workload or image" };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the deterministic PRNG", DefaultValueFactory = _ => 1 };
        var port = new Option<int>("--port") { Description = "TCP port on 127.0.0.1 (0: a free one; the first stdout line says which)", DefaultValueFactory = _ => 0 };
        var verbose = new Option<bool>("--verbose") { Description = "Log every reconcile step to stderr" };

        rps.Validators.Add(r => NonNegative(r, "--rps"));
        loadTestRps.Validators.Add(r => NonNegative(r, "--loadtest-rps"));
        abShare.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<double>() is < 0 or > 1)
            {
                r.AddError("--ab-share must be between 0 and 1 (0.2 = 20% of users)");
            }
        });
        users.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < 1)
            {
                r.AddError("--users must be at least 1");
            }
        });
        port.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 0 or > 65535)
            {
                r.AddError("--port must be between 0 and 65535");
            }
        });
        poll.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<TimeSpan?>() is { } value && value <= TimeSpan.Zero)
            {
                r.AddError("--poll must be above zero, e.g. 500ms");
            }
        });

        var root = new RootCommand(
            SandboxHost.Disclaimer + Environment.NewLine + Environment.NewLine +
            "It follows a branch of a GitOps repo, applies each commit after --sync-delay, routes simulated user traffic by " +
            "the rendered VirtualService/DestinationRule, Ingress, HTTPRoute or Service objects, and serves /metrics " +
            "(Istio, NGINX and app metric names), /sandbox/state, Argo CD/Flux sync status and the applied objects (Deployments " +
            "with their rollout status, routing objects) on 127.0.0.1. See docs/sandbox.md.")
        {
            repo, branch, path, syncDelay, proxyDelay, rolloutDelay, forgetRouting, poll, rps, abShare, users, loadTestRps, behaviour, seed, port, verbose,
        };

        SandboxOptions Bind(ParseResult p) => new()
        {
            Repo = p.GetValue(repo)!,
            Branch = p.GetValue(branch) ?? "main",
            Path = p.GetValue(path),
            SyncDelay = p.GetValue(syncDelay) ?? TimeSpan.FromSeconds(2),
            ProxyDelay = p.GetValue(proxyDelay) ?? TimeSpan.Zero,
            RolloutDelay = p.GetValue(rolloutDelay) ?? TimeSpan.FromSeconds(1),
            ForgetRouting = p.GetValue(forgetRouting),
            Poll = p.GetValue(poll) ?? TimeSpan.FromMilliseconds(500),
            Rps = p.GetValue(rps),
            AbShare = p.GetValue(abShare),
            Users = p.GetValue(users),
            LoadTestRps = p.GetValue(loadTestRps),
            Behaviour = p.GetValue(behaviour) is { Length: > 0 } file ? BehaviourConfig.Load(file) : null,
            Seed = p.GetValue(seed),
            Port = p.GetValue(port),
        };

        root.SetAction(async (p, ct) =>
        {
            try
            {
                return await ServeAsync(Bind(p), p.GetValue(verbose), output, error, ct).ConfigureAwait(false);
            }
            catch (GraystepException e)
            {
                await error.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
                if (e.Hint is not null)
                {
                    await error.WriteLineAsync($"hint: {e.Hint}").ConfigureAwait(false);
                }

                return e.ExitCode;
            }
            catch (IOException e)
            {
                await error.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
                await error.WriteLineAsync("hint: is the --port free? 0 picks a free one").ConfigureAwait(false);
                return ExitCodes.Failure;
            }
        });
        return root;
    }

    private static async Task<int> ServeAsync(SandboxOptions options, bool verbose, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        using var loggerFactory = LoggerFactory.Create(b => b
            .SetMinimumLevel(verbose ? LogLevel.Debug : LogLevel.Information)
            .AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = "HH:mm:ss ";
            })
            .AddFilter("Microsoft", LogLevel.Warning)
            .Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace));

        await using var host = new SandboxHost(options, TimeProvider.System, loggerFactory);
        await host.StartAsync(cancellationToken).ConfigureAwait(false);

        // The first stdout line is the address, so scripts and tests can read it.
        await output.WriteLineAsync($"listening on {host.Address.ToString().TrimEnd('/')}").ConfigureAwait(false);
        await output.WriteLineAsync("graystep-sandbox: SIMULATED Kubernetes + service mesh + GitOps reconciler (no real cluster, no containers)").ConfigureAwait(false);
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"following {options.Repo} branch {options.Branch} path {(options.NormalizedPath.Length == 0 ? "(whole repo)" : options.NormalizedPath)}; " +
            $"sync delay {GoDuration.Format(options.SyncDelay)}, proxy delay {GoDuration.Format(options.ProxyDelay)}, poll {GoDuration.Format(options.Poll)}; " +
            $"{options.Rps} simulated user req/s per app, A/B share {options.AbShare}, seed {options.Seed}")).ConfigureAwait(false);
        await output.FlushAsync(cancellationToken).ConfigureAwait(false);

        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // SIGINT or SIGTERM: stop cleanly.
        }

        await error.WriteLineAsync("graystep-sandbox: stopping").ConfigureAwait(false);
        await host.StopAsync(CancellationToken.None).ConfigureAwait(false);
        return ExitCodes.Success;
    }

    /// <summary>A Go-style duration option; the default is shown as "2s", not as a TimeSpan.</summary>
    private static Option<TimeSpan?> DurationOption(string name, string description, TimeSpan @default) => new(name)
    {
        Description = $"{description} (e.g. 500ms, 2s, 1m) [default: {GoDuration.Format(@default)}]",
        HelpName = "duration",
        CustomParser = r =>
        {
            var text = r.Tokens.Count > 0 ? r.Tokens[0].Value : string.Empty;
            if (GoDuration.TryParse(text.Trim(), out var value))
            {
                return value;
            }

            r.AddError($"{name}: '{text}' is not a duration; write e.g. 500ms, 2s or 1m");
            return null;
        },
    };

    private static void NonNegative(OptionResult r, string name)
    {
        if (r.GetValueOrDefault<double>() < 0)
        {
            r.AddError($"{name} cannot be negative");
        }
    }
}
