namespace Segment.Functions.Pipeline.Internal;

/// <summary>
/// The threads one destination's invocations run on: a task scheduler of its own, so a handler that
/// blocks its thread holds one of these and never a thread-pool thread another destination needs.
/// </summary>
/// <remarks>
/// <para>The workers' loops run here and await without <c>ConfigureAwait(false)</c>, so a handler
/// starts on one of these threads and its own awaits come back to them too. Threads start when work
/// arrives and none is free, up to <see cref="Budget"/> (one per concurrency slot plus the batch-former,
/// plus one for each handler that overran its timeout and still holds a thread).</para>
/// <para>Waiting for work is a blocking wait on a monitor, not a timed wait: nothing here measures time.</para>
/// </remarks>
internal sealed class DestinationThreads : TaskScheduler, IDisposable
{
    [ThreadStatic]
    private static DestinationThreads? t_current;

    // An object, not a Lock: idle threads wait on its monitor.
    private readonly object _gate = new();
    private readonly Queue<Task> _tasks = new();
    private readonly string _name;
    private int _budget;
    private int _threads;
    // Threads waiting for work that no task has been promised to yet: a pulse takes one off at once,
    // so a burst of tasks never counts on the same waiting thread twice (and strands behind a
    // thread that then blocks in a handler).
    private int _waiting;
    private bool _disposed;

    public DestinationThreads(string name, int budget)
    {
        _name = name;
        _budget = budget;
    }

    /// <summary>The most threads that may run at once.</summary>
    public int Budget => Volatile.Read(ref _budget);

    /// <summary>Threads started so far and not yet ended.</summary>
    public int Threads => Volatile.Read(ref _threads);

    public override int MaximumConcurrencyLevel => Budget;

    /// <summary>Allows one more thread while a handler that overran its timeout still holds one (negative to give it back).</summary>
    public void AdjustBudget(int delta)
    {
        lock (_gate)
        {
            _budget += delta;
            StartThreadIfNeeded();
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            Monitor.PulseAll(_gate);
        }
    }

    protected override void QueueTask(Task task)
    {
        lock (_gate)
        {
            _tasks.Enqueue(task);
            if (_waiting > 0)
            {
                _waiting--;
                Monitor.Pulse(_gate);
            }
            else
            {
                StartThreadIfNeeded();
            }
        }
    }

    // A continuation that completes on one of our threads may run right there.
    protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) =>
        t_current == this && TryExecuteTask(task);

    protected override IEnumerable<Task> GetScheduledTasks()
    {
        lock (_gate)
        {
            return [.. _tasks];
        }
    }

    // Under the lock.
    private void StartThreadIfNeeded()
    {
        if (_disposed || _threads >= _budget || _tasks.Count == 0)
        {
            return;
        }

        _threads++;
        var thread = new Thread(static state => ((DestinationThreads)state!).Run())
        {
            IsBackground = true,
            Name = $"Segment.Functions {_name}",
        };
        thread.UnsafeStart(this);
    }

    private void Run()
    {
        t_current = this;
        while (true)
        {
            Task? task;
            lock (_gate)
            {
                while (!_tasks.TryDequeue(out task))
                {
                    // Above budget (an overran handler gave its thread back) or disposed: this thread ends.
                    if (_disposed || _threads > _budget)
                    {
                        _threads--;
                        return;
                    }

                    // Whoever pulses this thread takes it off _waiting.
                    _waiting++;
                    Monitor.Wait(_gate);
                }
            }

            TryExecuteTask(task);
        }
    }
}
