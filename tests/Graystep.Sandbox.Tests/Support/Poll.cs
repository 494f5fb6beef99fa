using System.Diagnostics;

namespace Graystep.Sandbox.Tests.Support;

/// <summary>Bounded polling: every wait in these tests has a deadline and says what it waited for.</summary>
internal static class Poll
{
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var watch = Stopwatch.StartNew();
        Exception? last = null;
        while (watch.Elapsed < timeout)
        {
            try
            {
                if (await condition())
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException or System.Text.Json.JsonException)
            {
                last = e;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"timed out after {timeout} waiting for: {what}{(last is null ? string.Empty : $" (last error: {last.Message})")}");
    }
}
