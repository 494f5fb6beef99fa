using System.Net.Http.Headers;
using Graystep.TestKit.Http;
using Microsoft.AspNetCore.Http;

namespace Graystep.Analysis.Tests.Support;

/// <summary>
/// A Prometheus behind an authenticating proxy (Thanos, Grafana Cloud, an oauth-proxy): 401 unless the request
/// passes <c>authorized</c>, else the real server's answer, passed on as it came.
/// </summary>
internal static class AuthenticatingProxy
{
    public static Task<LocalServer> StartAsync(HttpClient forward, string prometheus, Func<RecordedRequest, bool> authorized) =>
        LocalServer.StartAsync((context, request) => ForwardIfAsync(context, request, forward, prometheus, authorized));

    private static async Task ForwardIfAsync(HttpContext context, RecordedRequest request, HttpClient forward, string prometheus, Func<RecordedRequest, bool> authorized)
    {
        if (!authorized(request))
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            await context.Response.WriteAsync("Unauthorized\n");
            return;
        }

        using var upstream = new HttpRequestMessage(new HttpMethod(request.Method), prometheus + request.PathAndQuery);
        if (request.Method == "POST")
        {
            upstream.Content = new StringContent(request.Body);
            upstream.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(request.Header("Content-Type") ?? "application/x-www-form-urlencoded");
        }

        using var answer = await forward.SendAsync(upstream);
        context.Response.StatusCode = (int)answer.StatusCode;
        context.Response.ContentType = answer.Content.Headers.ContentType?.ToString();
        await context.Response.WriteAsync(await answer.Content.ReadAsStringAsync());
    }
}
