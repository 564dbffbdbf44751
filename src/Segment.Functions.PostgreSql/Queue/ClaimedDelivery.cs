using Segment.Functions.Pipeline.Internal;

namespace Segment.Functions.PostgreSql.Queue;

/// <summary>An event claimed for an attempt at one destination, under a lease held by this instance.</summary>
internal sealed record ClaimedDelivery
{
    /// <summary>The claim: row id and attempt number; hand it back to renew or complete.</summary>
    public required JournalLease Lease { get; init; }

    /// <summary>The destination.</summary>
    public required string Destination { get; init; }

    /// <summary>The event's <c>messageId</c>.</summary>
    public required string MessageId { get; init; }

    /// <summary>The event's type.</summary>
    public required string EventType { get; init; }

    /// <summary>The event's UTF-8 JSON exactly as accepted.</summary>
    public required byte[] Body { get; init; }

    /// <summary>When the event was accepted.</summary>
    public required DateTimeOffset AcceptedAt { get; init; }

    /// <summary>When the first attempt started (this claim's time for a first attempt): the retry window counts from here, across restarts.</summary>
    public required DateTimeOffset FirstAttemptAt { get; init; }

    /// <summary>When the lease runs out unless renewed.</summary>
    public required DateTimeOffset LeaseExpiresAt { get; init; }

    /// <summary>The attempt this claim starts (1 for the first).</summary>
    public int Attempt => Lease.Attempt;
}
