using Graystep.CiAgents;
using Graystep.Core.Alerts;
using Graystep.Core.Analysis;
using Graystep.Core.Gates;
using Graystep.Core.Hosts;
using Graystep.Core.Providers;
using Graystep.Gates;
using Graystep.Gates.Alerts;
using Graystep.Gates.Sync;
using Graystep.Hosts;
using Graystep.Metrics;
using Graystep.Metrics.Prometheus;
using Graystep.Rendering;
using Graystep.Rendering.Routing;

namespace Graystep.Cli.Composition;

/// <summary>
/// The composition root: one registry per provider family, each built from its adapter's registration lines
/// (<see cref="Routers"/>, <see cref="MetricProviders"/>, <see cref="GitHosts"/>, <see cref="SyncGates"/>,
/// <see cref="WebhookCallers"/>, <see cref="AlertSenders"/>, <see cref="CiAgentRegistry"/>), configured from <see cref="GraystepSettings"/>, and
/// the catalogue the spec loader validates against. Building it does no I/O: HTTP stacks are made on first use.
/// </summary>
internal sealed class GraystepProviders : IDisposable
{
    private readonly Lazy<WebhookCallerRegistry> _webhooks;

    private GraystepProviders(CliContext context, GraystepSettings settings)
    {
        Routers = Rendering.Routing.Routers.Default;

        // One Kubernetes client for the sync gates and the templates' Secrets: a kubeconfig's exec plugin runs once.
        var kubeApi = new KubeApiClient(
            () => KubeApiHandler.Create(settings.Kube, context.Files), settings.Kube, context.Files, null, new Git.ProcessRunner(), context.Time, secret => context.Redactor.Add(secret));
        var kubeSecrets = new KubeSecrets(kubeApi, secret => context.Redactor.Add(secret));
        Metrics = MetricProviders.Create(
            context.HttpHandler, context.Time, new PrometheusClientOptions { BearerToken = settings.Get(PrometheusProvider.Token) },
            context.Environment.GetVariable, secret => context.Redactor.Add(secret), kubeSecrets.ReadAsync);
        GitHosts = Hosts.GitHosts.Create(settings, context.Environment, () => new Output.RedactingHandler(context.HttpHandler(), context.Redactor), context.Time, settings.AzureUrl);
        SyncGates = Gates.SyncGates.Create(
            () => KubeApiHandler.Create(settings.Kube, context.Files), context.Time, settings.Kube, context.Files, kubeApi: kubeApi);
        _webhooks = new Lazy<WebhookCallerRegistry>(() => WebhookCallers.Create(context.HttpHandler(), context.Time));
        CiAgents = CiAgentRegistry.CreateDefault();
        Alerts = AlertSenders.Create(context.HttpHandler, context.Time, context.Environment.GetVariable, secret => context.Redactor.Add(secret));
        Catalogue = new ProviderCatalogue(Routers.Descriptors, Metrics.Names, SyncGates.Ids, Rendering.Routing.Routers.DefaultProvider)
        {
            AlertProviderTypes = Alerts.Ids,
        };
    }

    public RouterRegistry Routers { get; }

    public MetricProviderRegistry Metrics { get; }

    public GitHostRegistry GitHosts { get; }

    public SyncGateRegistry SyncGates { get; }

    public WebhookCallerRegistry Webhooks => _webhooks.Value;

    public CiAgentRegistry CiAgents { get; }

    /// <summary>The alert senders, one per AlertProvider type; each makes its HTTP stack on its first send.</summary>
    public AlertSenderRegistry Alerts { get; }

    /// <summary>What specs may name: the registered traffic providers, metric provider types and sync kinds.</summary>
    public ProviderCatalogue Catalogue { get; }

    public ManifestRenderer Renderer => new(Routers);

    /// <summary>Every secret a registered provider reads: the options and variables the settings resolve and the outputs mask.</summary>
    public IReadOnlyList<SecretSetting> Secrets =>
    [
        .. new IEnumerable<object>[] { GitHosts, Metrics, SyncGates, Routers, CiAgents }
            .SelectMany(registry => registry)
            .OfType<IReadsSecrets>()
            .SelectMany(provider => provider.Secrets)
            .Distinct(),
    ];

    public static GraystepProviders Create(CliContext context, GraystepSettings settings)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(settings);
        return new GraystepProviders(context, settings);
    }

    public void Dispose()
    {
        foreach (var disposable in Metrics.OfType<IDisposable>().Concat(Alerts.OfType<IDisposable>()))
        {
            disposable.Dispose();
        }

        if (_webhooks.IsValueCreated)
        {
            foreach (var disposable in _webhooks.Value.OfType<IDisposable>())
            {
                disposable.Dispose();
            }
        }
    }
}
