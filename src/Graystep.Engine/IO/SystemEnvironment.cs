using Graystep.Core.Abstractions;

namespace Graystep.Engine.IO;

/// <summary>The process environment.</summary>
public sealed class SystemEnvironment : IEnvironment
{
    public string? GetVariable(string name) => Environment.GetEnvironmentVariable(name);
}
