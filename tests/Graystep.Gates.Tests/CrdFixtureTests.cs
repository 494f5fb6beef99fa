using System.Diagnostics;
using Graystep.Gates.Tests.Support;
using Graystep.TestKit;

namespace Graystep.Gates.Tests;

/// <summary>
/// The Application and Kustomization objects the fake API serves must be objects the real CRDs accept, so the
/// gates are tested against the shapes Argo CD and Flux write. tests/js/validate-crd.mjs checks them with the
/// upstream models (@kubernetes-models/argo-cd, @kubernetes-models/flux-cd) and rejects fields they do not know.
/// </summary>
public sealed class CrdFixtureTests
{
    private static readonly string Validator = Path.Combine(RepoPaths.Root, "tests", "js", "validate-crd.mjs");

    [Fact]
    public async Task Every_fixture_validates_against_the_upstream_crds()
    {
        var fixtures = Fixtures.All();
        Assert.Contains(fixtures, f => f.Contains("argocd", StringComparison.Ordinal));
        Assert.Contains(fixtures, f => f.Contains("flux", StringComparison.Ordinal));

        var (exitCode, stdout, stderr) = await RunNodeAsync(fixtures);

        Assert.True(exitCode == 0, stderr);
        Assert.Equal(fixtures.Count, stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Count(l => l.StartsWith("ok ", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task The_validator_rejects_a_drifted_object()
    {
        using var temp = new TempDirectory("graystep-crd");
        var drifted = temp.Combine("application.json");
        var text = Fixtures.Read("argocd/application-synced.json")
            .Replace("\"reconciledAt\"", "\"reconcileAt\"", StringComparison.Ordinal)
            .Replace("\"finishedAt\": \"2026-01-01T12:00:41Z\"", "\"finishedAt\": 1767268841", StringComparison.Ordinal);
        await File.WriteAllTextAsync(drifted, text);

        var (exitCode, _, stderr) = await RunNodeAsync([drifted]);

        Assert.Equal(1, exitCode);
        Assert.Contains("/status/reconcileAt: unknown field (not a property of ApplicationStatus)", stderr, StringComparison.Ordinal);
        Assert.Contains("data/status/operationState/finishedAt must be string", stderr, StringComparison.Ordinal);
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunNodeAsync(IEnumerable<string> files)
    {
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = Path.GetDirectoryName(Validator)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Validator);
        foreach (var file in files)
        {
            start.ArgumentList.Add(file);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}
