using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Graystep.Sandbox.Api;

/// <summary>
/// The Kubernetes API paths of the applied objects (<c>/apis/{group}/{version}/…</c>, core kinds under
/// <c>/api/v1/…</c>), and the drift knob's control endpoint. Argo CD's and Flux's own paths are mapped before and win.
/// </summary>
internal static class ClusterApiEndpoints
{
    public const string Help =
        "  GET /apis/apps/v1/namespaces/{ns}/deployments/{name}   an applied Deployment with its rollout status\n" +
        "  GET /apis/{group}/{version}/namespaces/{ns}/{plural}/{name}, /api/v1/namespaces/{ns}/services/{name}   the applied routing objects\n" +
        "  POST /sandbox/forget-routing?on=true|false   apply later commits without their routing changes (drift); off applies the running commit again\n";

    /// <param name="forgetRouting">Turns the drift knob on or off (off applies the running commit again).</param>
    public static void Map(IEndpointRouteBuilder app, ClusterApi cluster, Action<bool> forgetRouting, JsonSerializerOptions json)
    {
        app.MapGet("/apis/{group}/{version}/namespaces/{ns}/{plural}/{name}", (string group, string version, string ns, string plural, string name) =>
            Answer(cluster, group, plural, ns, name, json));
        app.MapGet("/api/v1/namespaces/{ns}/{plural}/{name}", (string ns, string plural, string name) =>
            Answer(cluster, string.Empty, plural, ns, name, json));
        app.MapPost("/sandbox/forget-routing", (HttpContext http) =>
        {
            var on = http.Request.Query["on"].ToString();
            if (on is not ("true" or "false"))
            {
                return Results.Text("expected ?on=true or ?on=false\n", statusCode: 400);
            }

            forgetRouting(on == "true");
            return Results.Text(cluster.ForgetRouting
                ? "later commits are applied without their routing changes (the routing objects keep their weights)\n"
                : "routing changes are applied again, starting with the running commit\n");
        });
    }

    private static IResult Answer(ClusterApi cluster, string group, string plural, string ns, string name, JsonSerializerOptions json)
    {
        if (cluster.Get(group, plural, ns, name) is { } found)
        {
            return Results.Json(found, json);
        }

        // The API server's words: deployments.apps "podinfo" not found.
        var resource = group.Length == 0 ? plural : $"{plural}.{group}";
        return Results.Json(GitOpsResources.NotFound(group, plural, name, $"{resource} \"{name}\" not found"), json, statusCode: 404);
    }
}
