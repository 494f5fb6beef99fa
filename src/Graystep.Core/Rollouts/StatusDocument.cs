using System.Globalization;
using System.Text;
using Graystep.Core.Errors;
using Graystep.Core.Manifests;
using Graystep.Core.Spec;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Graystep.Core.Rollouts;

/// <summary>
/// The status file: the whole state of one rollout, committed beside the rendered output. It is not listed in the
/// rendered kustomization, so reconcilers never apply it. Written with a fixed key order so diffs stay small.
/// </summary>
public static class StatusDocument
{
    public const string FileName = "graystep-status.yaml";

    private const string Header = "# graystep: rollout status. Written by Graystep on every change; edit with graystep commands, not by hand.";

    public static string Write(RolloutSpec spec, RolloutStatus status)
    {
        var sb = new StringBuilder();
        sb.Append(Header).Append('\n');
        sb.Append("apiVersion: graystep.io/v1alpha1\n");
        sb.Append("kind: RolloutStatus\n");
        sb.Append("metadata:\n");
        sb.Append("  name: ").Append(Quote(spec.Name)).Append('\n');
        sb.Append("  namespace: ").Append(Quote(spec.Namespace)).Append('\n');
        sb.Append("status:\n");
        sb.Append("  phase: ").Append(status.Phase).Append('\n');
        WriteVersion(sb, "stable", status.Stable);
        if (status.Canary is not null)
        {
            WriteVersion(sb, "canary", status.Canary);
        }

        sb.Append("  canaryWeight: ").Append(status.Traffic.CanaryWeight.ToString(CultureInfo.InvariantCulture)).Append('\n');
        sb.Append("  matchActive: ").Append(Bool(status.Traffic.MatchActive)).Append('\n');
        sb.Append("  mirrorActive: ").Append(Bool(status.Traffic.MirrorActive)).Append('\n');
        if (status.Traffic.MirrorWeight is { } mirrorWeight)
        {
            sb.Append("  mirrorWeight: ").Append(mirrorWeight.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }

        sb.Append("  stepIndex: ").Append(status.StepIndex.ToString(CultureInfo.InvariantCulture)).Append('\n');
        sb.Append("  stepCount: ").Append(status.StepCount.ToString(CultureInfo.InvariantCulture)).Append('\n');
        sb.Append("  failedChecks: ").Append(status.FailedChecks.ToString(CultureInfo.InvariantCulture)).Append('\n');
        sb.Append("  paused: ").Append(Bool(status.Paused)).Append('\n');
        sb.Append("  lastTransitionTime: ").Append(Quote(status.LastTransitionTime.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture))).Append('\n');
        sb.Append("  reason: ").Append(Quote(status.Reason)).Append('\n');
        if (status.JudgeSince is { } since)
        {
            sb.Append("  judgeSince: ").Append(Quote(since.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture))).Append('\n');
        }

        if (status.Attempt > 1)
        {
            sb.Append("  attempt: ").Append(status.Attempt.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }

        if (status.Retiring is not null)
        {
            WriteVersion(sb, "retiring", status.Retiring);
        }

        if (status.Standby is not null)
        {
            WriteVersion(sb, "standby", status.Standby);
        }

        if (status.Adopting is { } original)
        {
            sb.Append("  adopting: ").Append(Quote(original)).Append('\n');
            if (status.AdoptingRouted)
            {
                sb.Append("  adoptingRouted: true\n");
            }
        }

        return sb.ToString();
    }

    public static RolloutStatus Read(string file, string text)
    {
        try
        {
            if (text.Length > YamlLimits.MaxFileBytes)
            {
                throw Corrupt(file, YamlLimits.TooLarge(text.Length));
            }

            var stream = new YamlStream();
            stream.Load(new BoundedParser(new Parser(new StringReader(text))));
            if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root ||
                Child(root, "status") is not YamlMappingNode status)
            {
                throw Corrupt(file, "it has no status block");
            }

            var phaseText = Scalar(status, "phase") ?? throw Corrupt(file, "status.phase is missing");
            if (!Enum.TryParse<RolloutPhase>(phaseText, ignoreCase: false, out var phase))
            {
                throw Corrupt(file, $"status.phase '{phaseText}' is not a phase");
            }

            return new RolloutStatus
            {
                Phase = phase,
                Stable = ReadVersion(file, status, "stable") ?? throw Corrupt(file, "status.stable is missing"),
                Canary = ReadVersion(file, status, "canary"),
                Traffic = new TrafficSplit(
                    Int(status, "canaryWeight") ?? 0,
                    Scalar(status, "matchActive") == "true",
                    Scalar(status, "mirrorActive") == "true",
                    Int(status, "mirrorWeight")),
                StepIndex = Int(status, "stepIndex") ?? 0,
                StepCount = Int(status, "stepCount") ?? 0,
                FailedChecks = Int(status, "failedChecks") ?? 0,
                Paused = Scalar(status, "paused") == "true",
                LastTransitionTime = DateTimeOffset.Parse(
                    Scalar(status, "lastTransitionTime") ?? throw Corrupt(file, "status.lastTransitionTime is missing"),
                    CultureInfo.InvariantCulture,
                    DateTimeStyles.AssumeUniversal),
                Reason = Scalar(status, "reason") ?? string.Empty,
                JudgeSince = Scalar(status, "judgeSince") is { } since
                    ? DateTimeOffset.Parse(since, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal)
                    : null,
                Attempt = Math.Max(Int(status, "attempt") ?? 1, 1),
                Retiring = ReadVersion(file, status, "retiring"),
                Standby = ReadVersion(file, status, "standby"),
                // The file is untrusted, and this name reaches commit subjects and the log: a Deployment name only.
                Adopting = Scalar(status, "adopting") is { } original
                    ? (SafeNames.IsDnsSubdomain(original) ? original : throw Corrupt(file, $"status.adopting {VersionName.Printable(original)} is not a Kubernetes object name"))
                    : null,
                AdoptingRouted = Scalar(status, "adoptingRouted") == "true",
            };
        }
        catch (YamlException ex)
        {
            throw Corrupt(file, $"line {ex.Start.Line}: {ex.Message}");
        }
        catch (YamlLimitException ex)
        {
            throw Corrupt(file, $"line {ex.At.Line}: {ex.Message}");
        }
        catch (ArgumentException ex)
        {
            throw Corrupt(file, ex.Message);
        }
        catch (FormatException ex)
        {
            throw Corrupt(file, ex.Message);
        }
    }

    private static void WriteVersion(StringBuilder sb, string key, VersionRef version)
    {
        sb.Append("  ").Append(key).Append(":\n");
        sb.Append("    version: ").Append(Quote(version.Name)).Append('\n');
        if (version.Images.Count == 0)
        {
            sb.Append("    images: {}\n");
            return;
        }

        sb.Append("    images:\n");
        foreach (var (container, image) in version.Images.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            sb.Append("      ").Append(Quote(container)).Append(": ").Append(Quote(image)).Append('\n');
        }
    }

    private static VersionRef? ReadVersion(string file, YamlMappingNode status, string key)
    {
        if (Child(status, key) is not YamlMappingNode node)
        {
            return null;
        }

        var name = Scalar(node, "version") ?? throw Corrupt(file, $"status.{key}.version is missing");
        var images = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (Child(node, "images") is YamlMappingNode map)
        {
            foreach (var (k, v) in map.Children)
            {
                images[((YamlScalarNode)k).Value ?? string.Empty] = (v as YamlScalarNode)?.Value ?? string.Empty;
            }
        }

        return new VersionRef(name, images);
    }

    private static YamlNode? Child(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var child) ? child : null;

    private static string? Scalar(YamlMappingNode node, string key) => (Child(node, key) as YamlScalarNode)?.Value;

    private static int? Int(YamlMappingNode node, string key) =>
        int.TryParse(Scalar(node, key), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : null;

    private static string Bool(bool value) => value ? "true" : "false";

    /// <summary>
    /// Double-quoted YAML scalars escape the same characters as JSON strings. The relaxed encoder keeps quotes,
    /// <c>&gt;</c> and non-ASCII readable in the file people diff (the default writes <c>&gt;=</c> as <c>\u003E=</c>);
    /// control characters are still escaped.
    /// </summary>
    private static string Quote(string value) => System.Text.Json.JsonSerializer.Serialize(value, QuoteOptions);

    private static readonly System.Text.Json.JsonSerializerOptions QuoteOptions = new()
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static GraystepException Corrupt(string file, string why) =>
        new($"the status file {file} cannot be read: {why}", ExitCodes.InvalidSpec,
            "restore it from git history (git log -- <file>); Graystep never writes a file like this");
}
