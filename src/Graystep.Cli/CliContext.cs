using Graystep.Core.Abstractions;

namespace Graystep.Cli;

/// <summary>Everything a command touches outside itself, so commands can be invoked in-process by tests.</summary>
public sealed record CliContext(
    TextWriter Out,
    TextWriter Error,
    IEnvironment Environment,
    IFileSystem Files,
    TimeProvider Time,
    string WorkingDirectory,
    Func<HttpMessageHandler> HttpHandler);
