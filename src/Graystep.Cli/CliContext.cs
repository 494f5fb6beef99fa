using Graystep.Core.Abstractions;
using Graystep.Core.Secrets;

namespace Graystep.Cli;

/// <summary>Everything a command touches outside itself, so commands can be invoked in-process by tests.</summary>
public sealed record CliContext(
    TextWriter Out,
    TextWriter Error,
    IEnvironment Environment,
    IFileSystem Files,
    TimeProvider Time,
    string WorkingDirectory,
    Func<HttpMessageHandler> HttpHandler)
{
    /// <summary>Every secret this invocation holds; every output sink masks through it.</summary>
    public Redactor Redactor { get; init; } = new();
}
