using Graystep.Core.Abstractions;
using Graystep.Core.Gates;
using Graystep.Gates.Sync;
using Graystep.Gates.Webhooks;

namespace Graystep.Gates;

/// <summary>The sync gates Graystep ships, one registration line each, in the order validation lists them.</summary>
public static class SyncGates
{
    /// <param name="kubeApiHandler">Makes, on first use, the HTTP stack of the argocd and flux gates' Kubernetes API calls (see <see cref="KubeApiHandler.Create"/>).</param>
    public static SyncGateRegistry Create(Func<HttpMessageHandler> kubeApiHandler, TimeProvider time, KubeSettings kube, IFileSystem files)
    {
        var api = new KubeApiClient(kubeApiHandler, kube, files);
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
