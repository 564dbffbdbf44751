namespace Segment.Functions.Pipeline.Internal;

/// <summary>
/// One timer per destination for every invocation's timeout: armed for the earliest deadline among
/// the invocations that run, it cancels the ones whose time is up and arms again for the next.
/// An invocation that starts while the timer is armed costs a timestamp and a read.
/// </summary>
internal sealed class InvocationWatchdog : IDisposable
{
    private readonly TimeProvider _time;
    private readonly TimeSpan _timeout;
    private readonly Func<InvocationSlot[]> _slots;
    private readonly Action<InvocationSlot, long> _timeUp;
    private readonly ITimer _timer;
    private readonly Lock _gate = new();
    private int _armed;
    private long _armedFor;

    /// <param name="time">The clock.</param>
    /// <param name="timeout">How long an invocation may run.</param>
    /// <param name="slots">The slots to watch (read at each check).</param>
    /// <param name="timeUp">Called for a slot whose invocation (started at the given timestamp) is past its time.</param>
    public InvocationWatchdog(TimeProvider time, TimeSpan timeout, Func<InvocationSlot[]> slots, Action<InvocationSlot, long> timeUp)
    {
        _time = time;
        _timeout = timeout;
        _slots = slots;
        _timeUp = timeUp;
        _timer = time.CreateTimer(static state => ((InvocationWatchdog)state!).Check(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>An invocation started (its slot holds its start): makes sure the timer is armed.</summary>
    public void Watch()
    {
        // Armed means armed for an earlier deadline than this invocation's: nothing to do.
        if (Volatile.Read(ref _armed) == 0)
        {
            Arm(_timeout);
        }
    }

    public void Dispose() => _timer.Dispose();

    private void Check()
    {
        // Disarmed before looking, so an invocation that starts during the check arms the timer itself
        // or is seen by this look.
        lock (_gate)
        {
            Volatile.Write(ref _armed, 0);
        }

        var now = _time.GetTimestamp();
        TimeSpan? next = null;
        foreach (var slot in _slots())
        {
            var phase = slot.Phase;
            if (phase is not (InvocationSlot.Calling or InvocationSlot.Awaiting))
            {
                continue;
            }

            var started = slot.StartedAt;
            var left = _timeout - _time.GetElapsedTime(started, now);
            if (left <= TimeSpan.Zero)
            {
                _timeUp(slot, started);
            }
            else if (next is null || left < next)
            {
                next = left;
            }
        }

        if (next is { } wait)
        {
            Arm(wait);
        }
    }

    // Arms for now + wait unless already armed for an earlier time.
    private void Arm(TimeSpan wait)
    {
        lock (_gate)
        {
            var due = _time.GetTimestamp() + (long)(wait.TotalSeconds * _time.TimestampFrequency);
            if (_armed == 1 && _armedFor <= due)
            {
                return;
            }

            _armedFor = due;
            Volatile.Write(ref _armed, 1);
            _timer.Change(wait, Timeout.InfiniteTimeSpan);
        }
    }
}
