using Segment.Functions.Delivery;

namespace Segment.Functions.Pipeline.Internal;

/// <summary>
/// One destination's totals since the host started, kept by its recorder (so a store need not count).
/// "Retrying" is the number of events whose latest attempt failed and that wait for another.
/// </summary>
internal sealed class DeliveryCounters
{
    private readonly long[] _discarded = new long[Enum.GetValues<OutcomeReason>().Max(r => (int)r) + 1];
    private long _delivered;
    private long _expired;
    private long _retrying;

    public void Delivered() => Interlocked.Increment(ref _delivered);

    public void Discarded(OutcomeReason reason) => Interlocked.Increment(ref _discarded[(int)reason]);

    public void Expired() => Interlocked.Increment(ref _expired);

    /// <summary>An event's attempt failed and it waits for another; or (-1) an event that had waited reached its final outcome.</summary>
    public void Retrying(int delta) => Interlocked.Add(ref _retrying, delta);

    public DeliveryCounts Snapshot()
    {
        var discarded = new Dictionary<OutcomeReason, long>();
        for (var i = 0; i < _discarded.Length; i++)
        {
            if (Interlocked.Read(ref _discarded[i]) is var count and > 0)
            {
                discarded[(OutcomeReason)i] = count;
            }
        }

        return new DeliveryCounts(Interlocked.Read(ref _delivered), discarded, Interlocked.Read(ref _retrying), Interlocked.Read(ref _expired));
    }
}
