namespace Segment.Functions;

/// <summary>What became of an event given to <see cref="ISegmentFunctions.SendAsync(SegmentEvent, CancellationToken)"/>.</summary>
public enum SendStatus
{
    /// <summary>Queued for every destination it is routed to (possibly none, when filters and <c>integrations</c> turned them all off).</summary>
    Accepted,

    /// <summary>Not a valid event; <see cref="SendResult.Error"/> says why, and it is recorded under <see cref="DeliveryRecord.RejectedInput"/>.</summary>
    Invalid,

    /// <summary>
    /// At least one destination it is routed to was full and the host rejects rather than waits
    /// (<see cref="QueueFullMode.Reject"/>); for those it is recorded as discarded with
    /// <see cref="OutcomeReason.QueueFull"/>; for the others it was queued.
    /// </summary>
    QueueFull,

    /// <summary>The host is stopping or stopped; nothing was queued.</summary>
    Stopped,
}
