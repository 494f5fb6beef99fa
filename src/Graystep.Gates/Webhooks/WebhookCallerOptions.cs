namespace Graystep.Gates.Webhooks;

/// <summary>
/// Retry pacing. The defaults are those of Flagger's HTTP client (hashicorp/go-retryablehttp): the wait doubles from
/// one second and is capped at thirty.
/// </summary>
public sealed record WebhookCallerOptions
{
    public TimeSpan FirstRetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How much of a failing receiver's response body goes into the result's detail.</summary>
    public int MaxBodyInDetail { get; init; } = 300;
}
