using System.Text.RegularExpressions;

namespace Graystep.Core.Rollouts;

/// <summary>
/// The OCI image reference grammar of distribution/reference (what docker, containerd and kubelet accept):
/// <c>[host[:port]/]path[:tag][@digest]</c>. An image reaches rendered manifests, commit messages and CI logs, so
/// anything outside the grammar (newlines, spaces, control characters) is refused where it comes in.
/// </summary>
public static class ImageReference
{
    /// <summary>The longest repository name distribution accepts.</summary>
    public const int MaxNameLength = 255;

    public const string Rule = "an image reference such as docker.io/istio/examples-bookinfo-reviews-v2:1.20.1 or ghcr.io/org/app@sha256:<hex>";

    public static bool IsValid(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var match = Pattern.Match(value);
        return match.Success && match.Groups["name"].Length <= MaxNameLength;
    }

    // regexp.go of github.com/distribution/reference, with \w spelt out as ASCII. Linear in the input
    // (NonBacktracking), so neither a crafted value from the repository nor a loaded CI runner can make it slow, and
    // there is no wall-clock timeout to fire: a 1 s one did, on a runner at load 60, and the run stopped with exit 1.
    private static readonly Regex Pattern = new(
        @"^(?<name>(?:(?:(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*|\[[a-fA-F0-9:]+\])(?::[0-9]+)?/)?" +
        @"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*)" +
        @"(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?" +
        @"(?:@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,})?\z",
        RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);
}
