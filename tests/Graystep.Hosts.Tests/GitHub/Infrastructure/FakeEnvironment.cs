using Graystep.Hosts.GitHub;
using Graystep.Core.Abstractions;

namespace Graystep.Hosts.Tests.GitHub.Infrastructure;

public sealed class FakeEnvironment(IReadOnlyDictionary<string, string>? variables = null) : IEnvironment
{
    private readonly Dictionary<string, string> _variables = new(variables ?? new Dictionary<string, string>(), StringComparer.Ordinal);

    public string? GetVariable(string name) => _variables.TryGetValue(name, out var value) ? value : null;

    public FakeEnvironment With(string name, string value)
    {
        var copy = new Dictionary<string, string>(_variables) { [name] = value };
        return new FakeEnvironment(copy);
    }
}
