using Graystep.Core.Abstractions;

namespace Graystep.Cli.Composition;

/// <summary>The process environment: read only through <see cref="GraystepSettings"/> and the providers it configures.</summary>
public sealed class SystemEnvironment : IEnvironment
{
    public static SystemEnvironment Instance { get; } = new();

    public string? GetVariable(string name) => Environment.GetEnvironmentVariable(name);
}
