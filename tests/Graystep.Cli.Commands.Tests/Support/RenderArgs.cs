namespace Graystep.Cli.Commands.Tests.Support;

/// <summary>The new version's image for each example, as a user would pass it.</summary>
internal static class RenderArgs
{
    public static readonly Dictionary<string, string> Images = new(StringComparer.Ordinal)
    {
        ["ab-testing"] = "podinfod=ghcr.io/stefanprodan/podinfo:6.0.1",
        ["bookinfo"] = "reviews=docker.io/istio/examples-bookinfo-reviews-v2:1.20.1",
        ["gateway-api"] = "podinfod=ghcr.io/stefanprodan/podinfo:6.0.1",
        ["k8sdemo-nginx"] = "hello=docker.io/hashicorp/http-echo:1.0.1",
        ["k8sdemo-nginx-bluegreen"] = "hello=docker.io/hashicorp/http-echo:1.0.1",
        ["podinfo-flagger"] = "podinfod=ghcr.io/stefanprodan/podinfo:6.0.1",
        ["podinfo-match-weights"] = "podinfod=ghcr.io/stefanprodan/podinfo:6.0.1",
        ["podinfo-session-affinity"] = "podinfod=ghcr.io/stefanprodan/podinfo:6.0.1",
        ["podinfo-templates"] = "podinfod=ghcr.io/stefanprodan/podinfo:6.0.1",
    };

    /// <summary>The examples whose weight moves in steps (A/B and blue/green only switch).</summary>
    public static readonly string[] Weighted = ["bookinfo", "gateway-api", "k8sdemo-nginx", "podinfo-flagger", "podinfo-match-weights", "podinfo-session-affinity", "podinfo-templates"];

    public static string[] Render(string example, string version, int? weight, params string[] more) =>
        ["render", example, "--version", version, "--image", Images[example], .. weight is { } w ? new[] { "--weight", w.ToString(System.Globalization.CultureInfo.InvariantCulture) } : [], .. more];
}
