namespace Graystep.Cli.Commands.Tests.Golden;

/// <summary>
/// A clock that moves only when the code under test waits: every delay jumps the clock to its due time and ends at
/// once, so a whole rollout runs through the real CLI in milliseconds and every time it prints or commits is the same
/// on every run. Timeouts (a timer whose state is a <see cref="CancellationTokenSource"/>) never fire: the fakes
/// behind it answer at once, and a timeout that jumped the clock would cancel them.
/// </summary>
internal sealed class JumpingClock(DateTimeOffset start) : TimeProvider
{
    private readonly Lock _gate = new();
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate)
        {
            return _now;
        }
    }

    public void Advance(TimeSpan by)
    {
        lock (_gate)
        {
            _now += by;
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        new JumpTimer(this, callback, state, fires: state is not CancellationTokenSource, dueTime);

    private sealed class JumpTimer : ITimer
    {
        private readonly JumpingClock _clock;
        private readonly TimerCallback _callback;
        private readonly object? _state;
        private readonly bool _fires;

        public JumpTimer(JumpingClock clock, TimerCallback callback, object? state, bool fires, TimeSpan dueTime)
        {
            _clock = clock;
            _callback = callback;
            _state = state;
            _fires = fires;
            Change(dueTime, Timeout.InfiniteTimeSpan);
        }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            if (!_fires || dueTime == Timeout.InfiniteTimeSpan)
            {
                return true;
            }

            if (dueTime > TimeSpan.Zero)
            {
                _clock.Advance(dueTime);
            }

            ThreadPool.QueueUserWorkItem(_ => _callback(_state));
            return true;
        }

        public void Dispose()
        {
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
