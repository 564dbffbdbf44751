namespace Segment.Functions.Hosting.Internal;

/// <summary>
/// Counts units of work (events queued or being handled) and lets callers wait until the count is
/// zero. Counting is one interlocked add; a lock and a task exist only while someone waits.
/// </summary>
/// <remarks>
/// A waiter installs its task and then reads the count; a remover changes the count and then reads
/// whether a task is installed. Both steps are full fences, so at least one of the two sees the
/// other: a waiter never misses the moment the count reaches zero.
/// </remarks>
internal sealed class IdleSignal
{
    private readonly Lock _gate = new();
    private TaskCompletionSource? _idle;
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public void Add(int units = 1) => Interlocked.Add(ref _count, units);

    public void Remove(int units = 1)
    {
        if (Interlocked.Add(ref _count, -units) == 0 && Volatile.Read(ref _idle) is not null)
        {
            CompleteIfIdle();
        }
    }

    /// <summary>Sets the count to zero (when the work it counted will never be done, e.g. after a stop).</summary>
    public void Reset()
    {
        Interlocked.Exchange(ref _count, 0);
        CompleteIfIdle();
    }

    /// <summary>A task that completes the next time the count is zero (at once if it is zero now).</summary>
    public Task WhenIdle()
    {
        lock (_gate)
        {
            if (Volatile.Read(ref _count) == 0)
            {
                return Task.CompletedTask;
            }

            var idle = _idle ?? new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Interlocked.Exchange(ref _idle, idle);
            // Read after publishing the task (see the remarks): a Remove that reached zero meanwhile is seen here.
            if (Volatile.Read(ref _count) == 0)
            {
                _idle = null;
                idle.TrySetResult();
            }

            return idle.Task;
        }
    }

    private void CompleteIfIdle()
    {
        lock (_gate)
        {
            if (Volatile.Read(ref _count) == 0 && _idle is { } idle)
            {
                _idle = null;
                idle.TrySetResult();
            }
        }
    }
}
