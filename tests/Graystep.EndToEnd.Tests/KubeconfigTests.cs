using System.Text.RegularExpressions;
using Graystep.EndToEnd.Tests.Harness;
using Graystep.TestKit;
using Graystep.TestKit.Prometheus;
using Xunit.Abstractions;

namespace Graystep.EndToEnd.Tests;

/// <summary>
/// The published CLI reaches the cluster as a CI runner outside it does: no sync.server, a KUBECONFIG whose context
/// the spec names (sync.context) and whose user logs in with an exec plugin. The plugin runs once for the whole
/// rollout, unattended, and its token never reaches the output.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed partial class KubeconfigTests(ITestOutputHelper output)
{
    private static readonly ExampleCase Example = ExampleCase.Bookinfo;

    [PrometheusFact]
    public async Task A_rollout_gated_through_a_kubeconfig_context_runs_the_exec_plugin_once()
    {
        using var folder = new TempDirectory("e2e-kubeconfig");
        await using var rig = await Rig.StartAsync(Example, edit: (path, text) =>
            path == Example.SpecFile ? ServerLine().Replace(text, "${1}context: sandbox\n", 1) : text);
        var calls = folder.Combine("calls");
        var plugin = folder.Combine("get-token");
        await File.WriteAllTextAsync(plugin, $$$"""
            #!/usr/bin/env bash
            echo "$KUBERNETES_EXEC_INFO" >> '{{{calls}}}'
            echo '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"e2e-exec-token-7d2a"}}'

            """);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(plugin, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var kubeconfig = folder.Combine("config");
        await File.WriteAllTextAsync(kubeconfig, $"""
            apiVersion: v1
            kind: Config
            current-context: elsewhere
            clusters:
            - name: sandbox
              cluster:
                server: {rig.Sandbox.Address.ToString().TrimEnd('/')}
            - name: elsewhere
              cluster:
                server: http://127.0.0.1:{FreePort.Next()}
            users:
            - name: ci
              user:
                exec:
                  apiVersion: client.authentication.k8s.io/v1
                  command: {plugin}
                  interactiveMode: Never
            contexts:
            - name: sandbox
              context:
                cluster: sandbox
                user: ci
            - name: elsewhere
              context:
                cluster: elsewhere
                user: ci
            """);
        rig.ExtraEnvironment["KUBECONFIG"] = kubeconfig;

        var run = await rig.GraystepAsync(rig.RunVersion(Example.HealthyVersion));
        output.WriteLine(run.Describe("graystep run"));

        Assert.True(run.ExitCode == 0, run.Describe("graystep run"));
        Assert.Contains("Argo CD Application", run.Stdout + run.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("e2e-exec-token-7d2a", run.Stdout + run.Stderr, StringComparison.Ordinal);
        var info = Assert.Single(await File.ReadAllLinesAsync(calls));
        Assert.Contains("\"interactive\":false", info, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"^(\s+)server: .*\n", RegexOptions.Multiline)]
    private static partial Regex ServerLine();
}
