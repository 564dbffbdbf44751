using Segment.Functions.Delivery;

namespace Segment.Functions.Hosting;

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

    /// <summary>
    /// The host is stopping or stopped: the event was queued for no more destinations
    /// (<see cref="SendResult.Routed"/> says how many had already taken it).
    /// </summary>
    Stopped,

    /// <summary>
    /// The caller's token was cancelled while waiting for room (<see cref="QueueFullMode.Wait"/>);
    /// <see cref="SendResult.Routed"/> says how many destinations had already taken the event, and
    /// those deliver it. Sending it again would deliver it twice there.
    /// </summary>
    Cancelled,

    /// <summary>
    /// Durable storage (e.g. PostgreSQL, see <c>UsePostgreSql</c>) could not commit the event: it was
    /// taken by no destination, and <see cref="SendResult.Error"/> says why (without secrets). Send it
    /// again later; the host's log has the storage's exception.
    /// </summary>
    Unavailable,
}
