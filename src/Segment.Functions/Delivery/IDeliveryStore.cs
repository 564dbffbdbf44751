namespace Segment.Functions.Delivery;

/// <summary>Keeps delivery records and counts per destination. The default is <see cref="InMemoryDeliveryStore"/>.</summary>
/// <remarks>Implementations must be thread-safe: workers of several destinations write concurrently.</remarks>
public interface IDeliveryStore
{
    /// <summary>Records the latest state of an event at a destination (replacing an earlier retry state).</summary>
    /// <param name="record">The record.</param>
    void Record(DeliveryRecord record);

    /// <summary>The most recent records of a destination, newest first.</summary>
    /// <param name="destination">The destination's name.</param>
    /// <param name="limit">The most records to return.</param>
    IReadOnlyList<DeliveryRecord> Recent(string destination, int limit);

    /// <summary>The destination's totals.</summary>
    /// <param name="destination">The destination's name.</param>
    DeliveryCounts Counts(string destination);
}
