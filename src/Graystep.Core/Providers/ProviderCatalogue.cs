using Graystep.Core.Spec;

namespace Graystep.Core.Providers;

/// <summary>A metric provider as a spec names it (<c>MetricTemplate.spec.provider.type</c>) and as people call it.</summary>
public sealed record MetricProviderName(string Type, string Name);

/// <summary>
/// The names a spec may use, taken from what the adapters registered: the traffic providers with what each can do,
/// the metric provider types and the sync kinds. The spec loader validates against it, so a provider that is not
/// registered is refused with the list of those that are, and Core itself names none of them.
/// </summary>
public sealed class ProviderCatalogue
{
    public ProviderCatalogue(
        IEnumerable<TrafficProvider> trafficProviders,
        IEnumerable<MetricProviderName> metricProviders,
        IEnumerable<string> syncKinds,
        string defaultTrafficProvider)
    {
        TrafficProviders = [.. trafficProviders];
        MetricProviders = [.. metricProviders];
        SyncKinds = [.. syncKinds];
        var names = TrafficProviders.SelectMany(p => p.Aliases.Prepend(p.Id)).ToList();
        if (names.Distinct(StringComparer.Ordinal).Count() != names.Count)
        {
            throw new ArgumentException("two traffic providers share an id or alias", nameof(trafficProviders));
        }

        // The spec's defaults must be registered: a spec that leaves them out would otherwise name nothing.
        DefaultTrafficProvider = FindTrafficProvider(defaultTrafficProvider)
            ?? throw new ArgumentException($"the default traffic provider '{defaultTrafficProvider}' is not registered", nameof(defaultTrafficProvider));
        if (!IsMetricProvider(MetricTemplate.DefaultProviderType))
        {
            throw new ArgumentException($"the default metric provider '{MetricTemplate.DefaultProviderType}' is not registered", nameof(metricProviders));
        }

        if (!SyncKinds.Contains(SyncSpec.DefaultKind, StringComparer.Ordinal))
        {
            throw new ArgumentException($"the default sync kind '{SyncSpec.DefaultKind}' is not registered", nameof(syncKinds));
        }
    }

    /// <summary>In registration order: the order lists and suggestions show them in.</summary>
    public IReadOnlyList<TrafficProvider> TrafficProviders { get; }

    /// <summary>The provider a spec gets when it names none (Flagger's default mesh, as the routers' registration says).</summary>
    public TrafficProvider DefaultTrafficProvider { get; }

    public IReadOnlyList<MetricProviderName> MetricProviders { get; }

    public IReadOnlyList<string> SyncKinds { get; }

    /// <summary>The AlertProvider types the alert senders registered; none means an AlertProvider is refused.</summary>
    public IReadOnlyList<string> AlertProviderTypes { get; init; } = [];

    public TrafficProvider? FindTrafficProvider(string name) => TrafficProviders.FirstOrDefault(p => p.IsNamed(name));

    public bool IsMetricProvider(string type) => MetricProviders.Any(m => string.Equals(m.Type, type, StringComparison.Ordinal));

    /// <summary>The ids of the traffic providers that can run <paramref name="strategy"/>, in order.</summary>
    public IReadOnlyList<string> ProvidersFor(Strategy strategy) => [.. TrafficProviders.Where(p => p.Supports(strategy)).Select(p => p.Id)];

    /// <summary>"a, b or c".</summary>
    public static string Or(IReadOnlyList<string> words) => words.Count switch
    {
        0 => string.Empty,
        1 => words[0],
        _ => string.Join(", ", words.Take(words.Count - 1)) + " or " + words[^1],
    };
}
