using Graystep.Core.Alerts;
using Graystep.Core.Rollouts;
using Graystep.Gates.Alerts;
using Graystep.TestKit;
using Graystep.TestKit.Http;
using Microsoft.AspNetCore.Http;

namespace Graystep.Gates.Tests;

/// <summary>The alert senders against a real receiver on loopback: what arrives, and what a failure says.</summary>
public sealed class AlertSenderTests : IDisposable
{
    private static readonly AlertSubject Subject = new("reviews", "bookinfo", TestClock.Start);

    private static readonly AlertEvent Promoted = new(AlertKind.Promoted, AlertSeverity.Info, "Canary analysis completed successfully, promotion finished.", RolloutPhase.Succeeded, []);

    private readonly SocketsHttpHandler _handler = new() { AllowAutoRedirect = false };
    private readonly List<string> _revealed = [];
    private readonly Dictionary<string, string> _environment = new(StringComparer.Ordinal);

    public void Dispose() => _handler.Dispose();

    private AlertSenderRegistry Senders(TimeProvider? time = null) =>
        AlertSenders.Create(() => _handler, time ?? TimeProvider.System, name => _environment.GetValueOrDefault(name), _revealed.Add);

    private static AlertProviderSpec Provider(string type, string? address = null, string? secret = null, Uri? proxy = null) => new()
    {
        File = "app/alerts.yaml",
        Name = "on-call",
        Namespace = "bookinfo",
        Type = type,
        Address = address,
        SecretName = secret,
        Proxy = proxy,
    };

    private static Func<HttpContext, RecordedRequest, Task> Answer(int status, Func<RecordedRequest, string>? body = null) => async (context, request) =>
    {
        context.Response.StatusCode = status;
        if (body is not null)
        {
            await context.Response.WriteAsync(body(request));
        }
    };

    [Fact]
    public async Task Each_type_posts_its_json_payload_to_the_providers_address()
    {
        await using var receiver = await LocalServer.StartAsync(Answer(200));
        var senders = Senders();

        foreach (var type in AlertPayloads.Types)
        {
            var provider = Provider(type, receiver.Base + "/services/T0/B0/" + type);
            var result = await senders.SendAsync(provider, Subject, Promoted, CancellationToken.None);
            Assert.True(result.Sent, type + ": " + result.Detail);
        }

        Assert.Equal(
            ["/services/T0/B0/slack", "/services/T0/B0/msteams", "/services/T0/B0/discord/slack", "/services/T0/B0/rocket", "/services/T0/B0/gchat", "/services/T0/B0/generic"],
            receiver.Requests.Select(r => r.PathAndQuery));
        Assert.All(receiver.Requests, r => Assert.Equal(("POST", "application/json"), (r.Method, r.Header("content-type"))));
        var slack = Provider("slack", "http://unused/");
        Assert.Equal(
            System.Text.Encoding.UTF8.GetString(AlertPayloads.Build("slack", slack, new Uri("http://unused/"), Subject, Promoted).Body),
            receiver.Requests[0].Body);
        Assert.Contains(receiver.Base + "/services/T0/B0/slack", _revealed);
    }

    [Fact]
    public async Task A_secret_ref_reads_the_address_from_the_pipelines_environment_and_masks_it()
    {
        await using var receiver = await LocalServer.StartAsync(Answer(200));
        var provider = Provider("generic", secret: "team-hook");

        var missing = await Senders().SendAsync(provider, Subject, Promoted, CancellationToken.None);
        _environment["GRAYSTEP_SECRET_TEAM_HOOK_ADDRESS"] = receiver.Base + "/hooks/secret-token-123";
        var sent = await Senders().SendAsync(provider, Subject, Promoted, CancellationToken.None);

        Assert.Equal((false, "its secretRef team-hook holds nothing here: set GRAYSTEP_SECRET_TEAM_HOOK_ADDRESS to the webhook address in the pipeline's environment"), (missing.Sent, missing.Detail));
        Assert.True(sent.Sent, sent.Detail);
        Assert.Equal("/hooks/secret-token-123", Assert.Single(receiver.Requests).PathAndQuery);
        Assert.Contains(receiver.Base + "/hooks/secret-token-123", _revealed);
        Assert.Contains("/hooks/secret-token-123", _revealed);
    }

    [Fact]
    public async Task A_failing_provider_is_a_result_that_never_shows_the_address_even_when_the_provider_echoes_it()
    {
        await using var receiver = await LocalServer.StartAsync(Answer(500, r => "no such hook " + r.PathAndQuery));

        var result = await Senders().SendAsync(Provider("slack", receiver.Base + "/services/T0/B0/secret-token"), Subject, Promoted, CancellationToken.None);

        Assert.Equal((false, "HTTP 500 Internal Server Error: no such hook ***"), (result.Sent, result.Detail));
    }

    [Fact]
    public async Task A_provider_that_refuses_the_connection_or_never_answers_is_a_bounded_failure()
    {
        var port = FreePort.Next();
        var refused = await Senders().SendAsync(Provider("msteams", $"http://127.0.0.1:{port}/webhook/token"), Subject, Promoted, CancellationToken.None);

        using var release = new CancellationTokenSource();
        await using var silent = await LocalServer.StartAsync(async (_, _) => await Task.Delay(Timeout.Infinite, release.Token).ContinueWith(_ => { }, TaskScheduler.Default));
        var sender = (HttpAlertSender)Senders().Get("gchat");
        using var quick = new HttpAlertSender("gchat", () => _handler, TimeProvider.System) { Timeout = TimeSpan.FromMilliseconds(300) };
        var timedOut = await quick.SendAsync(Provider("gchat", silent.Base + "/v1/spaces/x/messages?key=k&token=t"), Subject, Promoted, CancellationToken.None);
        await release.CancelAsync();

        Assert.Equal(TimeSpan.FromSeconds(10), sender.Timeout);
        Assert.Equal((false, "cannot reach the provider: connection refused"), (refused.Sent, refused.Detail));
        Assert.Equal((false, "no response within 0.3s"), (timedOut.Sent, timedOut.Detail));
    }

    [Fact]
    public async Task A_provider_with_a_proxy_is_sent_through_it()
    {
        await using var proxy = await LocalServer.StartAsync(Answer(200));

        var result = await Senders().SendAsync(Provider("rocket", "http://chat.example.invalid/hooks/abc", proxy: proxy.BaseUri), Subject, Promoted, CancellationToken.None);

        Assert.True(result.Sent, result.Detail);
        var request = Assert.Single(proxy.Requests);
        Assert.Equal(("/hooks/abc", "chat.example.invalid"), (request.PathAndQuery, request.Header("host")));
    }
}
