using System.Globalization;
using Graystep.TestKit.Processes;
using Xunit;

namespace Graystep.TestKit.Browser;

/// <summary>
/// Debian's <c>chromium</c> in headless mode, for testing HTML in a real browser: <c>--dump-dom</c> (the DOM after
/// the page's scripts ran) and <c>--screenshot</c>. Each call uses a fresh temporary profile that is deleted after,
/// and is bounded in time. A missing browser fails the test with the install hint: CI installs it (.ci/run).
/// </summary>
public static class HeadlessChromium
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    public static string BinaryPath =>
        Environment.GetEnvironmentVariable("GRAYSTEP_CHROMIUM_BINARY") is { Length: > 0 } path ? path
        : new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome" }.FirstOrDefault(File.Exists) ?? "/usr/bin/chromium";

    public static void RequireInstalled() =>
        Assert.True(File.Exists(BinaryPath), $"chromium is not installed at {BinaryPath}: run 'apt-get install -y chromium' (.ci/run installs it), or set GRAYSTEP_CHROMIUM_BINARY");

    /// <summary>The serialized DOM of <paramref name="htmlFile"/> after its scripts ran.</summary>
    public static async Task<string> DumpDomAsync(string htmlFile)
    {
        var result = await RunAsync(htmlFile, ["--dump-dom"]).ConfigureAwait(false);
        Assert.True(result.ExitCode == 0 && result.Stdout.Contains("<html", StringComparison.Ordinal), result.Describe("chromium --dump-dom"));
        return result.Stdout;
    }

    /// <summary>A PNG screenshot of <paramref name="htmlFile"/> at <paramref name="width"/>×<paramref name="height"/> CSS pixels, scale 1.</summary>
    public static async Task<Png> ScreenshotAsync(string htmlFile, string pngFile, int width, int height)
    {
        var size = string.Create(CultureInfo.InvariantCulture, $"--window-size={width},{height}");
        var result = await RunAsync(htmlFile, ["--screenshot=" + pngFile, size, "--force-device-scale-factor=1", "--hide-scrollbars"]).ConfigureAwait(false);
        Assert.True(result.ExitCode == 0 && File.Exists(pngFile), result.Describe("chromium --screenshot"));
        return Png.Decode(await File.ReadAllBytesAsync(pngFile).ConfigureAwait(false));
    }

    private static async Task<ChildProcessResult> RunAsync(string htmlFile, IEnumerable<string> arguments)
    {
        RequireInstalled();
        using var profile = new TempDirectory("graystep-chromium");
        string[] common =
        [
            "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
            "--disable-extensions", "--disable-background-networking", "--disable-sync", "--mute-audio",
            "--user-data-dir=" + profile.Path, "--virtual-time-budget=5000",
        ];
        var uri = new Uri(Path.GetFullPath(htmlFile)).AbsoluteUri;
        return await ChildProcess.RunAsync(
            BinaryPath,
            [.. common, .. arguments, uri],
            profile.Path,
            Limit,
            new Dictionary<string, string?> { ["HOME"] = profile.Path }).ConfigureAwait(false);
    }
}
