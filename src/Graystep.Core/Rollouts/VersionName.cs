using Graystep.Core.Errors;

namespace Graystep.Core.Rollouts;

/// <summary>
/// The one rule for version names and the objects named after them. A version names a Deployment
/// (<c>&lt;target&gt;-&lt;version&gt;</c>), an Istio subset and a label value, so it must be a DNS label: lower-case
/// letters, digits and '-', at most 63 characters, starting and ending with a letter or digit.
/// </summary>
public static class VersionName
{
    public const string Rule = "use lower-case letters, digits and '-' (a DNS label), e.g. v2 or 1-4-0";

    public static bool IsValid(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.Length is > 0 and <= 63 && TargetWorkload.ToDnsLabel(value) == value;
    }

    /// <summary>Refuses a version given on the command line (exit code 2), before anything is read or written.</summary>
    public static void CheckOption(string option, string value)
    {
        if (!IsValid(value))
        {
            throw new GraystepException($"{option} '{value}' is not a valid version name", ExitCodes.Usage, Rule);
        }
    }

    /// <summary>
    /// The workload that runs <paramref name="version"/> of <paramref name="target"/>: the rendered Deployment's name,
    /// and what the metric queries select. Both must come from here, or the queries would measure nothing.
    /// </summary>
    public static string Workload(string target, string version)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(version);
        return $"{target}-{version}";
    }
}
