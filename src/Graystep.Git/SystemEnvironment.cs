using Graystep.Core.Abstractions;

namespace Graystep.Git;

/// <summary>The real process environment.</summary>
public sealed class SystemEnvironment : IEnvironment
{
    public static SystemEnvironment Instance { get; } = new();

    public string? GetVariable(string name) => Environment.GetEnvironmentVariable(name);
}
