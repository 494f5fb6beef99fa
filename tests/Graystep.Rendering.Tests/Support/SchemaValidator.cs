using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Graystep.TestKit;

namespace Graystep.Rendering.Tests.Support;

/// <summary>Runs tests/js/validate-manifests.mjs (kubernetes-models and friends) on JSON documents.</summary>
internal static class SchemaValidator
{
    public sealed record Result(int ExitCode, string Output);

    public static string Script => Path.Combine(RepoPaths.Root, "tests", "js", "validate-manifests.mjs");

    public static Result Validate(IEnumerable<(string Source, JsonNode? Object)> documents)
    {
        var modules = Path.Combine(RepoPaths.Root, "tests", "js", "node_modules", "kubernetes-models");
        Assert.True(Directory.Exists(modules), $"npm validators are missing ({modules}); run ./build.sh deps");

        using var temp = new TempDirectory("graystep-schema");
        var input = temp.Combine("documents.json");
        var array = new JsonArray(documents.Select(d => (JsonNode)new JsonObject
        {
            ["source"] = d.Source,
            ["object"] = d.Object?.DeepClone(),
        }).ToArray());
        File.WriteAllText(input, array.ToJsonString(new JsonSerializerOptions { WriteIndented = false }));

        var node = Environment.GetEnvironmentVariable("GRAYSTEP_NODE") ?? (File.Exists("/usr/bin/node") ? "/usr/bin/node" : "node");
        var start = new ProcessStartInfo(node)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(Script)!,
        };
        start.ArgumentList.Add(Script);
        start.ArgumentList.Add(input);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {node}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("validate-manifests.mjs did not finish within 2 minutes");
        }

        return new Result(process.ExitCode, stdout.Result + stderr.Result);
    }

    /// <summary>Every rendered object of an output, as JSON; the kustomization is not a cluster object.</summary>
    public static IEnumerable<(string Source, JsonNode? Object)> Objects(string name, RenderedOutput output) =>
        output.Files
            .Where(f => f.RelativePath != ManifestRenderer.KustomizationFile)
            .Select(f => ($"{name}/{f.RelativePath}", YamlJson.Convert(f.Content)));
}
