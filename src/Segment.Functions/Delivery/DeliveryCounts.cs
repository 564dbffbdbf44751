namespace Segment.Functions.Delivery;

/// <summary>Totals of a destination's outcomes since the host started (not limited by retention).</summary>
/// <param name="Delivered">Events delivered.</param>
/// <param name="Discarded">Events discarded, by reason.</param>
/// <param name="Retrying">Events waiting for another attempt.</param>
/// <param name="Expired">Events given up after the retry window.</param>
public sealed record DeliveryCounts(long Delivered, IReadOnlyDictionary<OutcomeReason, long> Discarded, long Retrying, long Expired)
{
    /// <summary>All discarded events, whatever the reason.</summary>
    public long DiscardedTotal => Discarded.Values.Sum();
}
