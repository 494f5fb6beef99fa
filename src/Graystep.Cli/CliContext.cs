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

/// <summary>Global options after the environment fallbacks (GRAYSTEP_*) are applied.</summary>
public sealed record GlobalOptions(
    string? Repo,
    string? Branch,
    string GitHost,
    string? Prometheus,
    OutputFormat Output,
    bool Verbose,
    string? GitHubToken = null)
{
    /// <summary>Never prints the token: a record's generated ToString would.</summary>
    public override string ToString() =>
        $"GlobalOptions {{ Repo = {Repo}, Branch = {Branch}, GitHost = {GitHost}, Output = {Output}, GitHubToken = {(GitHubToken is null ? "(none)" : "***")} }}";
}

public enum OutputFormat
{
    Text,
    Json,
}
