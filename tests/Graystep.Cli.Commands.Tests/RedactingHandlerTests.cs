using System.Net.Http.Headers;
using System.Text;
using Graystep.Cli.Output;
using Graystep.Core.Secrets;
using Graystep.TestKit.Http;

namespace Graystep.Cli.Commands.Tests;

/// <summary>
/// Issue 13, probe 2: pull-request descriptions, comments and statuses are output sinks. The git hosts' HTTP stack
/// masks every secret in what it sends, and leaves the host's own credentials (headers) alone.
/// </summary>
public sealed class RedactingHandlerTests
{
    private const string Secret = "ghp_pr_body_secret_0123456789";

    [Fact]
    public async Task Json_bodies_sent_to_a_git_host_are_masked_and_headers_kept()
    {
        await using var server = await LocalServer.StartAsync((context, _) =>
        {
            context.Response.StatusCode = 201;
            return Task.CompletedTask;
        });
        var redactor = new Redactor();
        redactor.Add(Secret);
        using var http = new HttpClient(new RedactingHandler(new SocketsHttpHandler(), redactor));
        using var request = new HttpRequestMessage(HttpMethod.Post, server.Url("/repos/o/r/pulls"))
        {
            Content = new StringContent($"{{\"body\":\"step failed: you sent {Secret}\"}}", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Secret);

        using var response = await http.SendAsync(request);

        var recorded = Assert.Single(server.Requests);
        Assert.Equal("{\"body\":\"step failed: you sent ***\"}", recorded.Body);
        Assert.Equal($"Bearer {Secret}", recorded.Header("Authorization"));
        Assert.StartsWith("application/json", recorded.Header("Content-Type"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bodies_without_secrets_and_binary_bodies_pass_unchanged()
    {
        await using var server = await LocalServer.StartAsync((context, _) => Task.CompletedTask);
        var redactor = new Redactor();
        redactor.Add(Secret);
        using var http = new HttpClient(new RedactingHandler(new SocketsHttpHandler(), redactor));
        var binary = Encoding.UTF8.GetBytes(Secret);

        using var plain = await http.PostAsync(server.Url("/a"), new StringContent("{\"body\":\"fine\"}", Encoding.UTF8, "application/json"));
        using var bytes = await http.PostAsync(server.Url("/b"), new ByteArrayContent(binary) { Headers = { ContentType = new MediaTypeHeaderValue("application/octet-stream") } });

        Assert.Equal("{\"body\":\"fine\"}", server.Requests[0].Body);
        Assert.Equal(Secret, server.Requests[1].Body);
    }
}
