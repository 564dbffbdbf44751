using Segment.Functions.Delivery;

namespace Segment.Functions.Benchmarks;

/// <summary>
/// Counts terminal delivery records (any outcome but Retry) as the host decides them, and completes a
/// wait when a target count is reached. A delivery observer: the store behind it is the host's business.
/// </summary>
internal sealed class CountingObserver : IDeliveryObserver
{
    private long _terminal;
    private long _delivered;
    private long _target = long.MaxValue;
    private TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public long Terminal => Interlocked.Read(ref _terminal);

    public long Delivered => Interlocked.Read(ref _delivered);

    /// <summary>Completes once <paramref name="target"/> terminal records have been counted (in all).</summary>
    public Task WhenReached(long target)
    {
        _reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _target, target);
        if (Terminal >= target)
        {
            _reached.TrySetResult();
        }

        return _reached.Task;
    }

    public void OnRecorded(DeliveryRecord record)
    {
        if (!record.IsTerminal)
        {
            return;
        }

        if (record.State == DeliveryState.Delivered)
        {
            Interlocked.Increment(ref _delivered);
        }

        if (Interlocked.Increment(ref _terminal) == Volatile.Read(ref _target))
        {
            _reached.TrySetResult();
        }
    }
}

/// <summary>A store that keeps nothing: what the runner measures without the default store's cost.</summary>
internal sealed class DiscardingDeliveryStore : IDeliveryStore
{
    public ValueTask RecordAsync(IReadOnlyList<DeliveryRecord> records, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    public ValueTask<IReadOnlyList<DeliveryRecord>> QueryAsync(DeliveryQuery query, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult<IReadOnlyList<DeliveryRecord>>([]);
}
