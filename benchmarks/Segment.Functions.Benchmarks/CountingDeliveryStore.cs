using Segment.Functions.Delivery;

namespace Segment.Functions.Benchmarks;

/// <summary>
/// Counts terminal delivery records (any outcome but Retry) and completes a wait when a target count is
/// reached. Optionally passes each record on to another store (the default in-memory one) first.
/// </summary>
internal sealed class CountingDeliveryStore(IDeliveryStore? inner = null) : IDeliveryStore
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

    public void Record(DeliveryRecord record)
    {
        inner?.Record(record);
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

    public IReadOnlyList<DeliveryRecord> Recent(string destination, int limit = 100) => inner?.Recent(destination, limit) ?? [];

    public DeliveryCounts Counts(string destination) =>
        inner?.Counts(destination) ?? new DeliveryCounts(0, new Dictionary<OutcomeReason, long>(), 0, 0);
}
