namespace Segment.Functions.Delivery;

/// <summary>Which delivery records <see cref="IDeliveryStore.QueryAsync"/> returns: one destination's, newest first, filtered and paged.</summary>
public sealed record DeliveryQuery
{
    /// <summary>Creates a query for a destination's records.</summary>
    /// <param name="destination">The destination's name (or <see cref="DeliveryRecord.RejectedInput"/>).</param>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is null or empty.</exception>
    public DeliveryQuery(string destination)
    {
        ArgumentException.ThrowIfNullOrEmpty(destination);
        Destination = destination;
    }

    /// <summary>The destination whose records are read.</summary>
    public string Destination { get; }

    /// <summary>Only records in one of these states; all states when null.</summary>
    public IReadOnlySet<DeliveryState>? States { get; init; }

    /// <summary>Only records with this reason; any reason when null.</summary>
    public OutcomeReason? Reason { get; init; }

    /// <summary>Only records of the event with this <c>messageId</c>; any event when null.</summary>
    public string? MessageId { get; init; }

    /// <summary>Only records whose last attempt was at or after this time; any time when null.</summary>
    public DateTimeOffset? Since { get; init; }

    /// <summary>How many matching records to skip (newest first) before the ones returned. Default 0.</summary>
    public int Skip { get; init; }

    /// <summary>The most records to return. Default 100.</summary>
    public int Limit { get; init; } = 100;

    /// <summary>Whether <paramref name="record"/> matches the filters (not the paging).</summary>
    /// <param name="record">A record of <see cref="Destination"/>.</param>
    /// <returns>True when it matches every filter that is set.</returns>
    public bool Matches(DeliveryRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return (States is null || States.Contains(record.State))
            && (Reason is not { } reason || record.Reason == reason)
            && (MessageId is null || string.Equals(record.MessageId, MessageId, StringComparison.Ordinal))
            && (Since is not { } since || record.LastAttemptAt >= since);
    }
}
