namespace Graystep.Sandbox.Tests.Support;

/// <summary>Builds in-process sandboxes that follow a test repo with no sync delay and no background traffic.</summary>
internal static class Sandboxes
{
    public static SandboxOptions Options(GitOpsRepo repo) => new()
    {
        Repo = repo.Bare,
        Branch = repo.Branch,
        Path = "rendered",
        SyncDelay = TimeSpan.Zero,
        Rps = 0,
        Seed = 42,
    };

    /// <summary>A host (not listening) that has applied the branch tip.</summary>
    public static async Task<SandboxHost> AppliedAsync(GitOpsRepo repo, SandboxOptions? options = null, TimeProvider? time = null)
    {
        var host = new SandboxHost(options ?? Options(repo), time);
        await host.ReconcileOnceAsync();
        return host;
    }

    public static VersionSnapshot Version(this SandboxHost host, string app, string version) =>
        host.Snapshot().App(app)?.Version(version) ?? throw new Xunit.Sdk.XunitException($"no version {version} in {app}");
}
