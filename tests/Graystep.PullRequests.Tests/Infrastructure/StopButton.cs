using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Graystep.PullRequests.Tests.Infrastructure;

/// <summary>
/// A Flagger rollback webhook on 127.0.0.1: it answers 404 ("no rollback") until the test presses it, then 200
/// ("roll back now"), as a person pressing a stop button in a release dashboard would.
/// </summary>
internal sealed class StopButton : IAsyncDisposable
{
    private readonly WebApplication _app;
    private volatile bool _pressed;
    private int _calls;

    private StopButton(WebApplication app) => _app = app;

    public string Url { get; private set; } = string.Empty;

    public int Calls => Volatile.Read(ref _calls);

    public static async Task<StopButton> StartAsync(bool pressed = false)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var button = new StopButton(app) { _pressed = pressed };
        app.Run(context =>
        {
            Interlocked.Increment(ref button._calls);
            context.Response.StatusCode = button._pressed ? StatusCodes.Status200OK : StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        button.Url = $"http://127.0.0.1:{new Uri(address).Port}/rollback/reviews";
        return button;
    }

    public void Press() => _pressed = true;

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
