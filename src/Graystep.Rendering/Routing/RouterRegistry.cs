using Graystep.Core.Errors;
using Graystep.Core.Providers;

namespace Graystep.Rendering.Routing;

/// <summary>
/// The traffic routers by <c>spec.provider</c>. The spec names its provider (validation checks it against the
/// descriptors), so the registry only dispatches, in a fixed order, with no reflection.
/// </summary>
public sealed class RouterRegistry() : ProviderRegistry<Router, string>("traffic provider", auto: null)
{
    /// <summary>What each registered provider can do, in registration order: the spec loader's catalogue reads it.</summary>
    public IReadOnlyList<TrafficProvider> Descriptors => [.. Providers.Select(r => r.Descriptor)];

    /// <summary>The router for a provider the spec named (its id or an alias).</summary>
    public Router For(TrafficProvider provider)
    {
        ArgumentNullException.ThrowIfNull(provider);
        return Resolve(null, provider.Id);
    }

    protected override void OnAdding(Router provider)
    {
        var taken = Providers.SelectMany(r => r.Descriptor.Aliases.Prepend(r.Id)).ToHashSet(StringComparer.Ordinal);
        if (provider.Descriptor.Aliases.Prepend(provider.Id).FirstOrDefault(taken.Contains) is { } clash)
        {
            throw new ArgumentException($"the traffic provider name '{clash}' is already registered", nameof(provider));
        }
    }

    protected override GraystepException NoProvider(string input) => new(
        $"no router is registered for provider {input}; registered: {string.Join(", ", Ids)}",
        ExitCodes.InvalidSpec);
}
