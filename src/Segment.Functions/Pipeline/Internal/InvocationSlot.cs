namespace Segment.Functions.Pipeline.Internal;

/// <summary>
/// One of a destination's <see cref="Hosting.SegmentFunctionsOptions.MaxConcurrency"/> places for an
/// invocation: what runs in it, since when, and the token that is its timeout. Reused from one
/// invocation to the next, so an invocation allocates no timer and no token source of its own.
/// </summary>
internal sealed class InvocationSlot
{
    /// <summary>Nothing runs.</summary>
    public const int Idle = 0;

    /// <summary>The handler was called and has not returned its task yet (it may be blocking the thread).</summary>
    public const int Calling = 1;

    /// <summary>The handler returned its task; the worker awaits it.</summary>
    public const int Awaiting = 2;

    /// <summary>The handler blocked past its timeout: the watchdog recorded its events and gave the slot to a new worker.</summary>
    public const int TakenOver = 3;

    // Begin, End and Cancel take it, so the watchdog never cancels the next invocation by mistake.
    private readonly Lock _gate = new();
    private CancellationTokenSource _timeout = new();
    private int _phase;

    private PendingEvent? _single;
    private IReadOnlyList<PendingEvent>? _batch;

    /// <summary>The events of the invocation that runs (one, or a batch).</summary>
    public IReadOnlyList<PendingEvent> Events => _batch ?? (_single is { } single ? [single] : []);

    /// <summary>When the invocation started, as a <see cref="TimeProvider"/> timestamp.</summary>
    public long StartedAt { get; private set; }

    public int Phase => Volatile.Read(ref _phase);

    /// <summary>Cancelled when the invocation's time is up (or the stop's deadline passes).</summary>
    public CancellationToken TimeoutToken => _timeout.Token;

    /// <summary>Set when the watchdog cancelled the token because the stop's deadline passed, not because of the timeout.</summary>
    public bool Aborted { get; private set; }

    public void Begin(PendingEvent single, long startedAt) => Begin(single, null, startedAt);

    public void Begin(IReadOnlyList<PendingEvent> batch, long startedAt) => Begin(null, batch, startedAt);

    private void Begin(PendingEvent? single, IReadOnlyList<PendingEvent>? batch, long startedAt)
    {
        lock (_gate)
        {
            (_single, _batch) = (single, batch);
            StartedAt = startedAt;
            Volatile.Write(ref _phase, Calling);
        }
    }

    /// <summary>The handler returned its task.</summary>
    /// <returns>False when the watchdog took the invocation over meanwhile.</returns>
    public bool Returned() => Interlocked.CompareExchange(ref _phase, Awaiting, Calling) == Calling;

    /// <summary>The watchdog takes over the invocation that started at <paramref name="startedAt"/> if it is still blocked in its call.</summary>
    public bool TryTakeOver(long startedAt)
    {
        lock (_gate)
        {
            return StartedAt == startedAt && Interlocked.CompareExchange(ref _phase, TakenOver, Calling) == Calling;
        }
    }

    /// <summary>The invocation ended; the slot is ready for the next one.</summary>
    public void End()
    {
        lock (_gate)
        {
            (_single, _batch) = (null, null);
            Volatile.Write(ref _phase, Idle);
            if (!_timeout.TryReset())
            {
                // Cancelled (a timeout): a cancelled source cannot be reused; an abandoned handler keeps the old one.
                _timeout = new CancellationTokenSource();
            }
        }
    }

    /// <summary>Cancels the token of the invocation that started at <paramref name="startedAt"/>, if it still runs: the handler is told its time is up.</summary>
    /// <param name="startedAt">The invocation meant; a later one in the same slot is left alone.</param>
    /// <param name="aborted">The stop's deadline rather than the timeout.</param>
    public void Cancel(long startedAt, bool aborted)
    {
        // Under the lock, so End cannot reset the source for the next invocation in between. The
        // handler's callbacks on its token run inside Cancel; the worker's own continuation is posted
        // to the destination's threads, so nothing here comes back for the lock on another thread.
        lock (_gate)
        {
            if (Phase != Idle && StartedAt == startedAt)
            {
                Aborted |= aborted;
                _timeout.Cancel();
            }
        }
    }
}
