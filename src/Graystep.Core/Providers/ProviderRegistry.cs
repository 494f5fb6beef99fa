using System.Collections;
using Graystep.Core.Errors;

namespace Graystep.Core.Providers;

/// <summary>What a registry does when two providers of the same priority both accept an input.</summary>
public enum Ambiguity
{
    /// <summary>Refuse, and ask the user to choose (git hosts: a wrong guess would send a token to the wrong API).</summary>
    IsAnError,

    /// <summary>The first registered wins (CI systems nest: a Jenkins agent may run a job that sets Azure's variables).</summary>
    FirstRegisteredWins,
}

/// <summary>
/// The one registry shape every provider family uses: providers registered explicitly, in order, with a priority;
/// the user may force one by id (or say <see cref="Auto"/>); otherwise the cheap <see cref="IProvider{TInput}.IsSupported"/>
/// check picks one, highest priority first. No reflection, no scanning: what is registered is what exists, and the
/// ids it lists are the ones <c>--help</c>, validation and error messages show. A family subclasses it to word its
/// errors in its own terms. Registration is one line per provider, in a collection initializer:
/// <code>new GitHostRegistry { { github, ProviderPriority.Normal }, { local, ProviderPriority.Fallback } }</code>
/// </summary>
public abstract class ProviderRegistry<TProvider, TInput> : IEnumerable<TProvider>
    where TProvider : class, IProvider<TInput>
{
    private readonly List<(TProvider Provider, ProviderPriority Priority, int Order)> _entries = [];
    private readonly Ambiguity _ambiguity;

    /// <param name="noun">What one provider is called in messages: "git host", "CI system".</param>
    /// <param name="auto">The id that asks for detection, or null when the input always names the provider.</param>
    protected ProviderRegistry(string noun, string? auto, Ambiguity ambiguity = Ambiguity.IsAnError)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(noun);
        Noun = noun;
        Auto = auto;
        _ambiguity = ambiguity;
    }

    public string Noun { get; }

    public string? Auto { get; }

    /// <summary>The providers in the order detection tries them: priority, then registration.</summary>
    public IReadOnlyList<TProvider> Providers => [.. Ordered().Select(e => e.Provider)];

    /// <summary>The ids in registration order, the order <c>--help</c> and messages list them in.</summary>
    public IReadOnlyList<string> Ids => [.. _entries.Select(e => e.Provider.Id)];

    /// <summary>What a user may pass to force one: <see cref="Auto"/> (if any) first, then the ids in registration order.</summary>
    public virtual IReadOnlyList<string> KnownIds => Auto is null ? Ids : [Auto, .. Ids];

    /// <summary>Adds a provider. Ids are unique (case-insensitive); only one provider may be the fallback.</summary>
    public void Add(TProvider provider, ProviderPriority priority = ProviderPriority.Normal)
    {
        ArgumentNullException.ThrowIfNull(provider);
        if (string.IsNullOrWhiteSpace(provider.Id) || provider.Id.Trim() != provider.Id)
        {
            throw new ArgumentException($"A {Noun} needs an id without surrounding spaces.", nameof(provider));
        }

        if (Auto is not null && Same(provider.Id, Auto))
        {
            throw new ArgumentException($"'{Auto}' is reserved and cannot be a {Noun} id.", nameof(provider));
        }

        if (_entries.Any(e => Same(e.Provider.Id, provider.Id)))
        {
            throw new ArgumentException($"A {Noun} with id '{provider.Id}' is already registered.", nameof(provider));
        }

        if (priority == ProviderPriority.Fallback && _entries.Any(e => e.Priority == ProviderPriority.Fallback))
        {
            throw new ArgumentException($"Only one fallback {Noun} can be registered.", nameof(priority));
        }

        OnAdding(provider);
        _entries.Add((provider, priority, _entries.Count));
    }

    /// <summary>The provider with this id (case-insensitive, surrounding spaces ignored), or null.</summary>
    public TProvider? Find(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        var wanted = id.Trim();
        return _entries.FirstOrDefault(e => Same(e.Provider.Id, wanted)).Provider;
    }

    /// <summary>The provider with this id; an unknown id is a usage error that lists the known ones.</summary>
    public TProvider Get(string id) => Find(id) ?? throw UnknownProvider(id.Trim());

    /// <summary>
    /// The provider <paramref name="forcedId"/> names, or null when it asks for detection (null, empty or
    /// <see cref="Auto"/>). An unknown id is a usage error: callers check it before any work that needs the provider.
    /// </summary>
    public TProvider? Forced(string? forcedId)
    {
        var id = forcedId?.Trim();
        return string.IsNullOrEmpty(id) || (Auto is not null && Same(id, Auto)) ? null : Get(id);
    }

    /// <summary>
    /// The provider for <paramref name="input"/>: the one <paramref name="forcedId"/> names (null, empty or
    /// <see cref="Auto"/> means detect), else the first that accepts it, highest priority first.
    /// </summary>
    public TProvider Resolve(string? forcedId, TInput input)
    {
        // A forced provider is used even when its detection says no: that is how a self-hosted server on a
        // custom domain, or a CI system that sets unusual variables, is reached.
        if (Forced(forcedId) is { } forced)
        {
            return forced;
        }

        foreach (var group in Ordered().GroupBy(e => e.Priority))
        {
            var supported = new List<TProvider>();
            foreach (var (provider, _, _) in group)
            {
                if (provider.IsSupported(input))
                {
                    supported.Add(provider);
                    if (_ambiguity == Ambiguity.FirstRegisteredWins)
                    {
                        return provider;
                    }
                }
            }

            if (supported.Count == 1)
            {
                return supported[0];
            }

            if (supported.Count > 1)
            {
                throw AmbiguousProviders(input, supported);
            }
        }

        throw NoProvider(input);
    }

    /// <summary>A further check of a provider being added (aliases, for example); throw ArgumentException to refuse it.</summary>
    protected virtual void OnAdding(TProvider provider)
    {
    }

    /// <summary>How an input may be shown in an error: never with a secret in it.</summary>
    protected virtual string Show(TInput input) => input?.ToString() ?? string.Empty;

    protected virtual GraystepException UnknownProvider(string id) => new(
        $"unknown {Noun} '{id}'; known: {string.Join(", ", KnownIds)}",
        ExitCodes.Usage,
        $"use one of: {string.Join(", ", KnownIds)}");

    protected virtual GraystepException NoProvider(TInput input) => new(
        $"no {Noun} supports '{Show(input)}'; known: {string.Join(", ", KnownIds)}",
        ExitCodes.Usage);

    protected virtual GraystepException AmbiguousProviders(TInput input, IReadOnlyList<TProvider> candidates) => new(
        $"more than one {Noun} accepts '{Show(input)}': {string.Join(", ", candidates.Select(c => c.Id))}",
        ExitCodes.Usage);

    public IEnumerator<TProvider> GetEnumerator() => Providers.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private static bool Same(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

    private IEnumerable<(TProvider Provider, ProviderPriority Priority, int Order)> Ordered() =>
        _entries.OrderByDescending(e => e.Priority).ThenBy(e => e.Order);
}
