namespace Segment.Functions.Delivery;

/// <summary>
/// Where delivery records go, and how they are read back. The host writes every record through
/// <see cref="RecordAsync"/> (grouped when records arrive faster than the store takes them) and keeps
/// the counts itself (<see cref="Hosting.ISegmentFunctions.GetCounts"/>), so a store only stores and
/// queries. The default is <see cref="InMemoryDeliveryStore"/>.
/// </summary>
/// <remarks>
/// Implementations must be thread-safe: queries arrive while records are written. The host makes one
/// <see cref="RecordAsync"/> call at a time and waits for it before the next.
/// </remarks>
public interface IDeliveryStore
{
    /// <summary>Stores records, in the order given (an event's later record replaces nothing: each attempt that failed keeps its own).</summary>
    /// <param name="records">The records; the list is reused by the host once the returned task completes, so copy what you keep.</param>
    /// <param name="cancellationToken">Cancelled when the host gives up waiting for the store (at the end of its stop).</param>
    /// <returns>A task that completes when the records are stored.</returns>
    ValueTask RecordAsync(IReadOnlyList<DeliveryRecord> records, CancellationToken cancellationToken = default);

    /// <summary>The records of one destination that match <paramref name="query"/>, newest first.</summary>
    /// <param name="query">Which records, and how many.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>At most <see cref="DeliveryQuery.Limit"/> records.</returns>
    ValueTask<IReadOnlyList<DeliveryRecord>> QueryAsync(DeliveryQuery query, CancellationToken cancellationToken = default);
}
