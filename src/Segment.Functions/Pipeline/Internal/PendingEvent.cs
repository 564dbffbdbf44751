using Segment.Functions.Delivery;

namespace Segment.Functions.Pipeline.Internal;

/// <summary>One event accepted for one destination, from the moment it is queued until its final outcome.</summary>
internal sealed class PendingEvent
{
    private static long s_sequence;

    public PendingEvent(SegmentEvent @event, DateTimeOffset acceptedAt, bool owned)
    {
        Event = @event;
        AcceptedAt = acceptedAt;
        Owned = owned;
        Sequence = NextSequence();
    }

    /// <summary>The event; replaced by a fresh parse after a failed attempt of an <see cref="Owned"/> event.</summary>
    public SegmentEvent Event { get; set; }

    /// <summary>
    /// Whether nothing but this pending event holds <see cref="Event"/> (the host parsed it from bytes
    /// and routed it to one destination): its handler may then have the instance itself instead of a
    /// copy, and after a failed attempt the event is parsed again from its bytes, so the record and
    /// the retry see it as it came, whatever the handler changed.
    /// </summary>
    public bool Owned { get; }

    /// <summary>Unique in the process; see <see cref="DeliveryRecord.Sequence"/>.</summary>
    public long Sequence { get; }

    /// <summary>When the destination took the event.</summary>
    public DateTimeOffset AcceptedAt { get; }

    /// <summary>Attempts started so far. Only the invocation that holds the event touches it.</summary>
    public int Attempts { get; set; }

    public DateTimeOffset FirstAttemptAt { get; set; }

    /// <summary>The durable claim this attempt runs under; null for an event kept in memory.</summary>
    public JournalLease? Lease { get; init; }

    /// <summary>
    /// The record the recorder decided for a claimed event's attempt, kept here until the
    /// <see cref="DurableDeliveryQueue"/> completes the claim with it (in the same commit).
    /// </summary>
    public DeliveryRecord? Decided { get; set; }

    public static long NextSequence() => Interlocked.Increment(ref s_sequence);
}
