using System.Globalization;
using Graystep.Core.Rollouts;
using Graystep.Sandbox.Traffic;

namespace Graystep.Sandbox.Cluster;

/// <summary>
/// A Deployment and the pods the simulated cluster runs for it. Pod names follow Kubernetes
/// (<c>&lt;deployment&gt;-&lt;pod-template-hash&gt;-&lt;suffix&gt;</c>), and the hash changes when the pod template
/// does, so a new image gives new pods as a rollout would.
/// </summary>
internal sealed record Workload(
    string Namespace,
    string Name,
    string Version,
    IReadOnlyDictionary<string, string> PodLabels,
    IReadOnlyList<string> Images,
    IReadOnlyList<string> Pods)
{
    // Kubernetes' SafeEncodeString alphabet: no vowels, no look-alike digits.
    private const string Alphabet = "bcdfghjklmnpqrstvwxz2456789";

    public static Workload From(ClusterObject deployment)
    {
        var template = deployment.Spec.Map("template");
        var podLabels = template.Map("metadata").StringMap("labels");
        var version = podLabels.TryGetValue("version", out var v) ? v
            : deployment.Labels.TryGetValue("version", out var l) ? l
            : deployment.Name;
        var images = template.Map("spec").Seq("containers").Maps()
            .Concat(template.Map("spec").Seq("initContainers").Maps())
            .Select(c => c.Str("image"))
            .OfType<string>()
            .ToList();
        var replicas = (int)(deployment.Spec.Number("replicas") ?? 1);

        var templateHash = Encode(Prng.Hash(Yaml.Canonical(template)), 10);
        var pods = Enumerable.Range(0, Math.Max(0, replicas))
            .Select(i => $"{deployment.Name}-{templateHash}-{Encode(Prng.Hash(templateHash + i.ToString(CultureInfo.InvariantCulture)), 5)}")
            .ToList();
        return new Workload(deployment.Namespace, deployment.Name, version, podLabels, images, pods);
    }

    /// <summary>The rollout's target: the workload name without its <c>-&lt;version&gt;</c> suffix.</summary>
    public string Target
    {
        get
        {
            var suffix = "-" + VersionName.ObjectName(Version);
            return Name.EndsWith(suffix, StringComparison.Ordinal) ? Name[..^suffix.Length] : Name;
        }
    }

    private static string Encode(ulong hash, int length)
    {
        var chars = new char[length];
        for (var i = 0; i < length; i++)
        {
            chars[i] = Alphabet[(int)(hash % (ulong)Alphabet.Length)];
            hash /= (ulong)Alphabet.Length;
            if (hash == 0)
            {
                hash = Prng.Mix((ulong)i + 0x5EED);
            }
        }

        return new string(chars);
    }
}
