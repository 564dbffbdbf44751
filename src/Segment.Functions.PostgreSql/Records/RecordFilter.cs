using Segment.Functions.Delivery;

namespace Segment.Functions.PostgreSql.Records;

/// <summary>Which records <see cref="RecordQueries.RecentAsync"/> returns; every criterion given must hold.</summary>
internal sealed record RecordFilter
{
    /// <summary>No filter: every record of the destination.</summary>
    public static RecordFilter None { get; } = new();

    /// <summary>Only records in one of these states (null: any).</summary>
    public IReadOnlyCollection<DeliveryState>? States { get; init; }

    /// <summary>Only records with this reason (null: any).</summary>
    public OutcomeReason? Reason { get; init; }

    /// <summary>Only records of events with this <c>messageId</c> (null: any).</summary>
    public string? MessageId { get; init; }

    /// <summary>Only records whose last attempt was at or after this time (null: any).</summary>
    public DateTimeOffset? Since { get; init; }

    /// <summary>Only records of deliveries older than this sequence (the next page after a page that ended there).</summary>
    public long? BeforeSequence { get; init; }
}
