using Segment.Functions.Delivery;

namespace Segment.Functions.Pipeline.Internal;

/// <summary>One event accepted for one destination, from the moment it is queued until its final outcome.</summary>
internal sealed class PendingEvent
{
    private static long s_sequence;

    public PendingEvent(SegmentEvent @event, DateTimeOffset acceptedAt)
    {
        Event = @event;
        AcceptedAt = acceptedAt;
        Sequence = NextSequence();
    }

    public SegmentEvent Event { get; }

    /// <summary>Unique in the process; see <see cref="DeliveryRecord.Sequence"/>.</summary>
    public long Sequence { get; }

    /// <summary>When the destination took the event.</summary>
    public DateTimeOffset AcceptedAt { get; }

    /// <summary>Attempts started so far. Only the invocation that holds the event touches it.</summary>
    public int Attempts { get; set; }

    public DateTimeOffset FirstAttemptAt { get; set; }

    public static long NextSequence() => Interlocked.Increment(ref s_sequence);
}
