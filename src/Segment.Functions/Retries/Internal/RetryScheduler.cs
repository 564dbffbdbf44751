namespace Segment.Functions.Retries.Internal;

/// <summary>
/// Holds events until their next attempt is due, then hands them back. One timer per destination
/// (set to the earliest due time) rather than one per event, so a large retry backlog costs a heap
/// entry per event, not a timer.
/// </summary>
internal sealed class RetryScheduler<T> : IDisposable
    where T : class
{
    private static readonly TimeSpan MaxTimerWait = TimeSpan.FromDays(1);
    private readonly TimeProvider _time;
    private readonly Action<T> _due;
    private readonly Lock _gate = new();
    private readonly PriorityQueue<T, DateTimeOffset> _waiting = new();
    private readonly ITimer _timer;
    private DateTimeOffset? _armedFor;
    private bool _disposed;

    /// <param name="time">The clock.</param>
    /// <param name="due">Called (outside any lock) with each event whose time has come.</param>
    public RetryScheduler(TimeProvider time, Action<T> due)
    {
        _time = time;
        _due = due;
        _timer = time.CreateTimer(static state => ((RetryScheduler<T>)state!).OnTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>How many events are waiting.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _waiting.Count;
            }
        }
    }

    /// <summary>The earliest due time of the events waiting; null when none waits.</summary>
    public DateTimeOffset? NextDue
    {
        get
        {
            lock (_gate)
            {
                return _waiting.TryPeek(out _, out var at) ? at : null;
            }
        }
    }

    /// <summary>
    /// Schedules an event for <paramref name="at"/>; one already due is handed back at once. After
    /// <see cref="Dispose"/> the event is kept (and counted) but never handed back.
    /// </summary>
    public void Schedule(T item, DateTimeOffset at)
    {
        lock (_gate)
        {
            if (_disposed)
            {
                _waiting.Enqueue(item, at);
                return;
            }

            if (at > _time.GetUtcNow())
            {
                _waiting.Enqueue(item, at);
                if (_armedFor is null || at < _armedFor)
                {
                    Arm(at);
                }

                return;
            }
        }

        _due(item);
    }

    /// <summary>Stops handing events back: those waiting stay, counted in <see cref="Count"/>.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
        }

        _timer.Dispose();
    }

    private void OnTimer()
    {
        List<T>? ready = null;
        lock (_gate)
        {
            _armedFor = null;
            if (_disposed)
            {
                return;
            }

            var now = _time.GetUtcNow();
            while (_waiting.TryPeek(out _, out var at) && at <= now)
            {
                (ready ??= []).Add(_waiting.Dequeue());
            }

            if (_waiting.TryPeek(out _, out var next))
            {
                Arm(next);
            }
        }

        if (ready is not null)
        {
            foreach (var item in ready)
            {
                _due(item);
            }
        }
    }

    // Called under the lock, only for a time in the future, so a timer that fires at once cannot re-enter.
    // A far time is reached in steps of at most a day (timers take at most ~49 days): the timer fires,
    // finds nothing due, and arms again.
    private void Arm(DateTimeOffset at)
    {
        var wait = at - _time.GetUtcNow();
        wait = wait <= TimeSpan.Zero ? TimeSpan.FromTicks(1) : wait > MaxTimerWait ? MaxTimerWait : wait;
        _armedFor = _time.GetUtcNow() + wait;
        _timer.Change(wait, Timeout.InfiniteTimeSpan);
    }
}
