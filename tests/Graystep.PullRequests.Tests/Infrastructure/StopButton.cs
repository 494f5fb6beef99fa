using Graystep.TestKit.Http;
using Microsoft.AspNetCore.Http;

namespace Graystep.PullRequests.Tests.Infrastructure;

/// <summary>
/// A Flagger rollback webhook on 127.0.0.1: it answers 404 ("no rollback") until the test presses it, then 200
/// ("roll back now"), as a person pressing a stop button in a release dashboard would.
/// </summary>
internal sealed class StopButton : IAsyncDisposable
{
    private volatile bool _pressed;
    private LocalServer? _server;

    private StopButton(bool pressed) => _pressed = pressed;

    public string Url => _server!.Base + "/rollback/reviews";

    public int Calls => _server!.Requests.Count;

    public static async Task<StopButton> StartAsync(bool pressed = false)
    {
        var button = new StopButton(pressed);
        button._server = await LocalServer.StartAsync((context, _) =>
        {
            context.Response.StatusCode = button._pressed ? StatusCodes.Status200OK : StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        });
        return button;
    }

    public void Press() => _pressed = true;

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
