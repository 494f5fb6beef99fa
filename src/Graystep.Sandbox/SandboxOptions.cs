using Graystep.Sandbox.Behaviour;

namespace Graystep.Sandbox;

/// <summary>How the simulator follows the GitOps repo, generates traffic and listens. Defaults match the CLI's.</summary>
public sealed record SandboxOptions
{
    /// <summary>A bare repository: a path or a <c>file://</c> URL (anything <c>git ls-remote</c> accepts).</summary>
    public required string Repo { get; init; }

    public string Branch { get; init; } = "main";

    /// <summary>Folder inside the repo that holds rendered output folders; null or empty means the whole repo.</summary>
    public string? Path { get; init; }

    /// <summary>A commit is applied this long after the sandbox first saw it on the branch (Argo CD/Flux-like).</summary>
    public TimeSpan SyncDelay { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long an applied routing change takes to reach every proxy, as Envoy's config push does in a real mesh.
    /// Workloads change at once: until then a request may still be routed to a version whose pods are gone, and
    /// fails with 503. Zero applies routes and workloads together.
    /// </summary>
    public TimeSpan ProxyDelay { get; init; }

    /// <summary>
    /// How long a Deployment whose pod template changed takes to roll out, as the Kubernetes API reports it
    /// (<c>GET /apis/apps/v1/…/deployments/{name}</c>): until then its new pods are not all ready.
    /// </summary>
    public TimeSpan RolloutDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Start with the drift knob on: commits after the first are applied without their routing changes.</summary>
    public bool ForgetRouting { get; init; }

    /// <summary>How often the branch tip is read.</summary>
    public TimeSpan Poll { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Simulated user requests per second, per routed app. 0 turns the background load generator off.</summary>
    public double Rps { get; init; } = 10;

    /// <summary>Share (0..1) of simulated users that carry the A/B header or cookie of the rendered match rule.</summary>
    public double AbShare { get; init; } = 0.2;

    /// <summary>Size of the simulated user population; a user keeps its A/B membership for the whole run.</summary>
    public int Users { get; init; } = 1000;

    /// <summary>
    /// Requests per second sent straight to each app's canary, as Flagger's load tester webhook does
    /// (blue/green keeps user traffic on the stable version, so the canary's metrics come from these). 0 = off.
    /// </summary>
    public double LoadTestRps { get; init; }

    /// <summary>Version behaviour (error rate, latency); null means every version is healthy.</summary>
    public BehaviourConfig? Behaviour { get; init; }

    /// <summary>Seed of the deterministic PRNG behind users, routing decisions and behaviour.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>TCP port on 127.0.0.1; 0 picks a free one (see <see cref="SandboxHost.Address"/>).</summary>
    public int Port { get; init; }

    /// <summary>Where the scratch clone lives; null means a fresh temp folder, deleted on dispose.</summary>
    public string? ScratchDirectory { get; init; }

    /// <summary>Path inside the repo with forward slashes and no leading or trailing slash; empty for the whole repo.</summary>
    internal string NormalizedPath
    {
        get
        {
            var p = (Path ?? string.Empty).Replace('\\', '/').Trim('/');
            while (p.StartsWith("./", StringComparison.Ordinal))
            {
                p = p[2..];
            }

            return p == "." ? string.Empty : p;
        }
    }
}
