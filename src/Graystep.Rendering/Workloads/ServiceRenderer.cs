using System.Globalization;
using Graystep.Core.Spec;
using Graystep.Rendering.Yaml;

namespace Graystep.Rendering.Workloads;

/// <summary>
/// Renders the Services every router builds on: copied from the template Service named <c>&lt;svc&gt;</c>, or,
/// when the repo has none, made from <c>spec.service</c> the way Flagger makes one.
/// </summary>
internal sealed class ServiceRenderer(RolloutSpec spec, AppManifests app)
{
    public string Name => app.ServiceName;

    /// <summary><c>service.port</c>: the port routing objects address.</summary>
    public int Port => spec.Service.Port;

    /// <summary>Whether the Service has more than one port, so that routes must name one.</summary>
    public bool HasSeveralPorts => (Template().Map("spec")?.Seq("ports")?.Count ?? 0) > 1;

    /// <summary>A Service named <paramref name="name"/> selecting the app's pods, of one version when given.</summary>
    public YamlMap Render(string name, string? version)
    {
        var renamed = !string.Equals(name, app.ServiceName, StringComparison.Ordinal);
        var service = KubeObject.CopyAs(Template(), name, spec.Namespace);
        var serviceSpec = service.GetOrAddMap("spec");
        if (renamed && serviceSpec.Text("clusterIP") is { } ip && ip != "None")
        {
            // A copy must not claim the template's fixed cluster IP.
            serviceSpec.Remove("clusterIP");
            serviceSpec.Remove("clusterIPs");
        }

        var selector = KubeObject.Labels(serviceSpec.Map("selector"));
        selector.Remove(KubeObject.VersionLabel);
        if (version is not null)
        {
            selector[KubeObject.VersionLabel] = version;
        }

        serviceSpec["selector"] = KubeObject.LabelMap(selector);
        KubeObject.Normalize(service);
        return service;
    }

    /// <summary>
    /// As <see cref="Render"/>, but always a ClusterIP Service, as Flagger's generated ones are: a copy of a
    /// LoadBalancer or NodePort template must not open another load balancer or claim its node ports.
    /// </summary>
    public YamlMap RenderInternal(string name, string version)
    {
        var service = Render(name, version);
        var serviceSpec = service.GetOrAddMap("spec");
        if (serviceSpec.Text("clusterIP") == "None")
        {
            return service;
        }

        foreach (var field in (string[])["type", "externalTrafficPolicy", "healthCheckNodePort", "loadBalancerIP", "loadBalancerSourceRanges",
            "loadBalancerClass", "allocateLoadBalancerNodePorts", "externalIPs", "externalName"])
        {
            serviceSpec.Remove(field);
        }

        foreach (var port in serviceSpec.Seq("ports")?.OfType<YamlMap>() ?? [])
        {
            port.Remove("nodePort");
        }

        KubeObject.Normalize(service);
        return service;
    }

    /// <summary>Other Services selecting the app's pods (all versions); copied as they are.</summary>
    public IEnumerable<YamlMap> Others() => app.OtherServices.Select(s =>
    {
        var copy = KubeObject.CopyAs(s, KubeObject.Name(s), spec.Namespace);
        KubeObject.Normalize(copy);
        return copy;
    });

    private YamlMap Template() => app.Service ?? Generated();

    private YamlMap Generated()
    {
        var service = KubeObject.New("v1", "Service", app.ServiceName, spec.Namespace);
        service.GetOrAddMap("metadata")["labels"] = KubeObject.LabelMap(app.PodSelector);
        var targetPort = spec.Service.TargetPort;
        YamlNode target = targetPort is null
            ? spec.Service.Port
            : int.TryParse(targetPort, NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number : targetPort;
        service["spec"] = new YamlMap
        {
            ["type"] = "ClusterIP",
            ["selector"] = KubeObject.LabelMap(app.PodSelector),
            ["ports"] = new YamlSeq
            {
                new YamlMap
                {
                    ["name"] = spec.Service.PortName ?? "http",
                    ["port"] = spec.Service.Port,
                    ["protocol"] = "TCP",
                    ["targetPort"] = target,
                },
            },
        };
        return service;
    }
}
