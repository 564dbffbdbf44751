namespace Segment.Functions;

/// <summary>What happened to an event at a destination.</summary>
public enum OutcomeKind
{
    /// <summary>The handler finished without error (or its batch status was 2xx).</summary>
    Delivered,

    /// <summary>A permanent failure: the event is dropped; <see cref="OutcomeReason"/> says why.</summary>
    Discarded,

    /// <summary>A temporary failure: the event is tried again later with backoff.</summary>
    Retry,

    /// <summary>The event kept failing with temporary errors until the retry window (4 h by default) ran out.</summary>
    Expired,
}
