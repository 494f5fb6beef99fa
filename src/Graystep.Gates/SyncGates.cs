using Graystep.Core.Abstractions;
using Graystep.Core.Gates;
using Graystep.Gates.Sync;
using Graystep.Gates.Webhooks;

namespace Graystep.Gates;

/// <summary>The sync gates Graystep ships, one registration line each, in the order validation lists them.</summary>
public static class SyncGates
{
    /// <param name="kubeApiHandler">Makes, on first use, the HTTP stack of the argocd, flux and kubernetes gates' Kubernetes API calls to a server named outside a kubeconfig (see <see cref="KubeApiHandler.Create(KubeSettings, IFileSystem)"/>).</param>
    /// <param name="processes">Runs kubeconfig exec credential plugins.</param>
    /// <param name="maskSecret">Registers the credentials read from a kubeconfig or a plugin with the output mask.</param>
    /// <param name="kubeApi">The Kubernetes API client to share (with <see cref="KubeSecrets"/>: an exec plugin runs once per process); null: a new one.</param>
    public static SyncGateRegistry Create(
        Func<HttpMessageHandler> kubeApiHandler, TimeProvider time, KubeSettings kube, IFileSystem files, IProcessRunner? processes = null, Action<string>? maskSecret = null, KubeApiClient? kubeApi = null)
    {
        var api = kubeApi ?? new KubeApiClient(kubeApiHandler, kube, files, null, processes, time, maskSecret);
        return new SyncGateRegistry
        {
            new NoneSyncGate(),
            new DelaySyncGate(time),
            new ArgoCdSyncGate(api, new ArgoCdApiClient(kubeApiHandler, kube), time),
            new FluxSyncGate(api, time),
            new KubernetesSyncGate(api, time),
        };
    }
}

/// <summary>The webhook callers Graystep ships, one registration line each.</summary>
public static class WebhookCallers
{
    public static WebhookCallerRegistry Create(HttpMessageHandler handler, TimeProvider time) => new()
    {
        new WebhookCaller(handler, time),
    };
}
