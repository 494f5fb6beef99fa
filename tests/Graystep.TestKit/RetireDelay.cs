namespace Graystep.TestKit;

/// <summary>
/// A Rollout keeps the version that lost its traffic for 30 s by default (scaleDownDelay). Fixtures about the
/// schedule, the commands or the CI agents pin it to 0s with these, so that the old version leaves in the switch
/// commit; the retire and adoption tests set their own delay, and the Core tests check the default.
/// </summary>
public static class RetireDelay
{
    /// <summary>The line a pinned spec has in its analysis block.</summary>
    public const string Line = "    scaleDownDelay: 0s\n";

    /// <summary>The tweak (find, replace) that adds <see cref="Line"/> to a spec's analysis block.</summary>
    public static (string Find, string Replace) Pin { get; } = ("  analysis:\n", "  analysis:\n" + Line);

    /// <summary><paramref name="spec"/> with <see cref="Line"/> added to its analysis block.</summary>
    public static string Pinned(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return spec.Replace(Pin.Find, Pin.Replace, StringComparison.Ordinal);
    }
}
