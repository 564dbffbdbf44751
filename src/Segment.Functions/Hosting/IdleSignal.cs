namespace Segment.Functions;

/// <summary>
/// Counts units of work (events queued or being handled) and lets callers wait until the count is
/// zero. Only the 0 ↔ 1 transitions take a lock, so the count itself stays cheap on the hot path.
/// </summary>
internal sealed class IdleSignal
{
    private readonly Lock _gate = new();
    private TaskCompletionSource _idle = Completed();
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public void Add(int units = 1)
    {
        if (Interlocked.Add(ref _count, units) == units)
        {
            lock (_gate)
            {
                // Re-read under the lock: a concurrent Remove may already have brought it back to zero.
                if (Volatile.Read(ref _count) > 0 && _idle.Task.IsCompleted)
                {
                    _idle = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                }
            }
        }
    }

    public void Remove(int units = 1)
    {
        if (Interlocked.Add(ref _count, -units) == 0)
        {
            lock (_gate)
            {
                if (Volatile.Read(ref _count) == 0)
                {
                    _idle.TrySetResult();
                }
            }
        }
    }

    /// <summary>Sets the count to zero (when the work it counted will never be done, e.g. after a stop).</summary>
    public void Reset()
    {
        lock (_gate)
        {
            Volatile.Write(ref _count, 0);
            _idle.TrySetResult();
        }
    }

    /// <summary>A task that completes the next time the count is zero (at once if it is zero now).</summary>
    public Task WhenIdle()
    {
        lock (_gate)
        {
            return Volatile.Read(ref _count) == 0 ? Task.CompletedTask : _idle.Task;
        }
    }

    private static TaskCompletionSource Completed()
    {
        var source = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        source.SetResult();
        return source;
    }
}
