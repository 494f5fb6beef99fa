using System.Text.Encodings.Web;
using System.Text.Json;

namespace Graystep.Cli;

/// <summary>The documented, stable JSON output (docs/cli-json.md): camelCase, indented, no HTML escaping.</summary>
internal static class JsonOutput
{
    public static JsonSerializerOptions Options { get; } = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
