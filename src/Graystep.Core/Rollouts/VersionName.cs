using System.Globalization;
using System.Text;
using Graystep.Core.Errors;

namespace Graystep.Core.Rollouts;

/// <summary>
/// The one rule for version names and the objects named after them. A version is what the user writes
/// (<c>1.0.1</c>, <c>v2.3.0-rc.1</c>, <c>2024-06-01</c>): any Kubernetes label value, kept exactly in the
/// <c>version</c> label, the status, the trailers and the history. Object names (the Deployment
/// <c>&lt;target&gt;-&lt;version&gt;</c>, per-version Services, autoscalers, disruption budgets, Istio subsets, pull
/// request branches) use its DNS form, <see cref="ObjectName"/>: lower-cased, '.' and '_' made '-'. Two versions
/// with one DNS form would share objects, so they are refused (<see cref="CheckDistinct"/>).
/// </summary>
public static class VersionName
{
    public const int MaxLength = 63;

    public const string Rule =
        "use a Kubernetes label value: at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit (e.g. v2, 1.0.1, v2.3.0-rc.1)";

    /// <summary>True for a valid Kubernetes label value that is not empty.</summary>
    public static bool IsValid(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length is 0 or > MaxLength || !char.IsAsciiLetterOrDigit(value[0]) || !char.IsAsciiLetterOrDigit(value[^1]))
        {
            return false;
        }

        return value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');
    }

    /// <summary>
    /// The DNS-label form object names use: lower-case, '.' and '_' become '-'. A valid version stays a valid DNS
    /// label (its ends are letters or digits, so are the form's). Deterministic: v1 stays v1, 1.0.1 becomes 1-0-1.
    /// </summary>
    public static string ObjectName(string version)
    {
        ArgumentNullException.ThrowIfNull(version);
        var sb = new StringBuilder(version.Length);
        foreach (var c in version)
        {
            sb.Append(c is '.' or '_' ? '-' : char.ToLowerInvariant(c));
        }

        return sb.ToString();
    }

    /// <summary><c>&lt;baseName&gt;-&lt;DNS form of version&gt;</c>: every per-version object's name.</summary>
    public static string Named(string baseName, string version)
    {
        ArgumentNullException.ThrowIfNull(baseName);
        return $"{baseName}-{ObjectName(version)}";
    }

    /// <summary>Refuses a version given on the command line (exit code 2), before anything is read or written.</summary>
    public static void CheckOption(string option, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!IsValid(value))
        {
            throw new GraystepException($"{option} {Printable(value)} is not a valid version name", ExitCodes.Usage, Rule);
        }
    }

    /// <summary>
    /// Refuses two different versions whose objects would have one name (<c>1.0.1</c> and <c>1-0-1</c>, or <c>V2</c>
    /// and <c>v2</c>): the second would overwrite the first's Deployment.
    /// </summary>
    public static void CheckDistinct(string version, string other, int exitCode = ExitCodes.Usage)
    {
        ArgumentNullException.ThrowIfNull(version);
        ArgumentNullException.ThrowIfNull(other);
        if (!string.Equals(version, other, StringComparison.Ordinal) &&
            string.Equals(ObjectName(version), ObjectName(other), StringComparison.Ordinal))
        {
            throw new GraystepException(
                $"versions {Printable(version)} and {Printable(other)} would both name their objects '{ObjectName(version)}'",
                exitCode,
                $"object names lower-case a version and turn '.' and '_' into '-'; give {Printable(version)} a name that differs from {Printable(other)} in more than that");
        }
    }

    /// <summary>
    /// A value quoted for an error line: control and non-ASCII-space characters escaped as <c>\uXXXX</c>, at most 80
    /// characters shown, so that input cannot forge output lines or flood the log.
    /// </summary>
    public static string Printable(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        const int Shown = 80;
        var sb = new StringBuilder("'");
        foreach (var c in value.Length > Shown ? value[..Shown] : value)
        {
            if (char.IsControl(c) || c is '\u2028' or '\u2029' or '\u00A0' or '\uFEFF' || char.IsSurrogate(c))
            {
                sb.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
            }
            else if (c is '\'' or '\\')
            {
                sb.Append('\\').Append(c);
            }
            else
            {
                sb.Append(c);
            }
        }

        sb.Append('\'');
        if (value.Length > Shown)
        {
            sb.Append(CultureInfo.InvariantCulture, $"… ({value.Length} characters)");
        }

        return sb.ToString();
    }

    /// <summary>
    /// The workload that runs <paramref name="version"/> of <paramref name="target"/>: the rendered Deployment's name,
    /// and what the metric queries select. Both must come from here, or the queries would measure nothing.
    /// </summary>
    public static string Workload(string target, string version)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(version);
        return Named(target, version);
    }
}
