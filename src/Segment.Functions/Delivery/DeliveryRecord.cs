using Segment.Functions.Hosting;

namespace Segment.Functions.Delivery;

/// <summary>What happened to one event at one destination: what Segment's Event Delivery page shows.</summary>
public sealed record DeliveryRecord
{
    /// <summary>The destination's name.</summary>
    public required string Destination { get; init; }

    /// <summary>The event's <c>messageId</c> (empty when it had none).</summary>
    public required string MessageId { get; init; }

    /// <summary>
    /// A number the host gives each event it accepts for a destination, unique in the process; it tells
    /// apart events that share (or lack) a <c>messageId</c>, and the records of one event share it.
    /// </summary>
    public long Sequence { get; init; }

    /// <summary>The event's type (<c>track</c>, <c>identify</c>, …); empty for input that was not an event.</summary>
    public string EventType { get; init; } = "";

    /// <summary>The latest outcome: delivered, discarded, retry (still pending) or expired.</summary>
    public required DeliveryState State { get; init; }

    /// <summary>Why it was not delivered.</summary>
    public OutcomeReason Reason { get; init; }

    /// <summary>How many times the handler ran for this event.</summary>
    public int Attempts { get; init; }

    /// <summary>When the destination took the event (its acceptance; the same for every record of the event).</summary>
    public DateTimeOffset AcceptedAt { get; init; }

    /// <summary>When the first attempt started.</summary>
    public DateTimeOffset FirstAttemptAt { get; init; }

    /// <summary>When the last attempt finished.</summary>
    public DateTimeOffset LastAttemptAt { get; init; }

    /// <summary>
    /// For <see cref="DeliveryState.Retrying"/>: when the next attempt is due (it may start a little
    /// later when the destination is busy); null for a final outcome, or when the store does not keep it.
    /// </summary>
    public DateTimeOffset? NextAttemptAt { get; init; }

    /// <summary>
    /// For failures: the event's JSON as the destination was given it, values of encrypted settings
    /// redacted, cut at <see cref="InvocationOptions.MaxRecordedEventBytes"/> (32 KB) with a
    /// <c>… [event truncated: N bytes in all]</c> mark; empty for delivered events.
    /// </summary>
    public string EventJson { get; init; } = "";

    /// <summary>For failures: the error of the last attempt, secrets redacted.</summary>
    public ErrorInfo? Error { get; init; }

    /// <summary>For failures: the logs of the last attempt (capped, secrets redacted); empty for delivered events.</summary>
    public string Logs { get; init; } = "";

    /// <summary>For failures: the HTTP traces of the last attempt; empty for delivered events.</summary>
    public IReadOnlyList<HttpTrace> HttpTraces { get; init; } = [];

    /// <summary>For failures: requests of the last attempt past <see cref="InvocationOptions.MaxHttpTraces"/>, counted but not kept.</summary>
    public int OmittedHttpTraces { get; init; }

    /// <summary>
    /// The destination name under which input that never became an event (invalid JSON, a missing type, …)
    /// is recorded, with <see cref="OutcomeReason.BadRequest"/>.
    /// </summary>
    public const string RejectedInput = "(rejected input)";

    /// <summary>Whether the outcome is final (anything but <see cref="DeliveryState.Retrying"/>).</summary>
    public bool IsTerminal => State != DeliveryState.Retrying;
}
