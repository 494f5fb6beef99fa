namespace Graystep.TestKit;

/// <summary>
/// Microsoft's <see cref="FakeTimeProvider"/> (timers fire only when the test advances it), recording every wait the
/// code under test asks for, so a test can wait until one is armed and assert how long it was.
/// </summary>
public sealed class RecordingTimeProvider(DateTimeOffset? start = null) : FakeTimeProvider(start ?? TestClock.Start)
{
    private readonly SemaphoreSlim _armed = new(0);
    private readonly Lock _gate = new();
    private readonly List<TimeSpan> _waits = [];
    private int _pending;

    /// <summary>Every wait requested so far (the due time of each timer armed).</summary>
    public IReadOnlyList<TimeSpan> Waits
    {
        get
        {
            lock (_gate)
            {
                return [.. _waits];
            }
        }
    }

    /// <summary>Timers armed and not fired yet.</summary>
    public int PendingTimers => Volatile.Read(ref _pending);

    public TimeSpan Elapsed => GetUtcNow() - Start;

    /// <summary>Waits (bounded, in real time) until the code under test arms a timer.</summary>
    public Task<bool> WaitForTimerAsync(TimeSpan? bound = null) => _armed.WaitAsync(bound ?? TimeSpan.FromSeconds(10));

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var armed = dueTime != Timeout.InfiniteTimeSpan;
        if (armed)
        {
            lock (_gate)
            {
                _waits.Add(dueTime);
            }
        }

        var timer = base.CreateTimer(
            s =>
            {
                if (armed && period == Timeout.InfiniteTimeSpan)
                {
                    Interlocked.Decrement(ref _pending);
                }

                callback(s);
            },
            state,
            dueTime,
            period);
        if (armed)
        {
            // Counted only once the timer is registered: a test that sees it pending and advances the clock at once
            // must not advance before the timer can fire.
            Interlocked.Increment(ref _pending);
            _armed.Release();
        }

        return timer;
    }
}
