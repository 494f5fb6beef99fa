using Xunit;

namespace Graystep.TestKit.Prometheus;

/// <summary>
/// A fact that needs the real Prometheus binary. Without it the test is skipped with the reason, except under
/// CI (<c>CI</c> set), where it runs and fails with the same message: CI must not pass by skipping.
/// </summary>
public sealed class PrometheusFactAttribute : FactAttribute
{
    public PrometheusFactAttribute()
    {
        if (!PrometheusServer.IsInstalled && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")))
        {
            Skip = PrometheusServer.MissingMessage;
        }
    }
}
