namespace Segment.Functions;

/// <summary>The result of one attempt to deliver one event.</summary>
/// <param name="Kind">Delivered, discarded or retry.</param>
/// <param name="Reason">Why it was not delivered; <see cref="OutcomeReason.None"/> when it was.</param>
/// <param name="Error">The error, secrets redacted; null when delivered.</param>
/// <param name="Status">The status <c>OnBatch</c> returned for the event, if it returned statuses.</param>
/// <param name="RetryAfter">A minimum wait the failure asked for (a <see cref="RetryError.RetryAfter"/>).</param>
public readonly record struct EventOutcome(
    OutcomeKind Kind,
    OutcomeReason Reason,
    ErrorInfo? Error = null,
    int? Status = null,
    TimeSpan? RetryAfter = null)
{
    /// <summary>The outcome of a handler that finished without error.</summary>
    public static EventOutcome Delivered { get; } = new(OutcomeKind.Delivered, OutcomeReason.None);

    /// <inheritdoc/>
    public override string ToString() => Kind == OutcomeKind.Delivered
        ? "Delivered"
        : $"{Kind} ({Reason.ToDisplayText()}){(Error is null ? "" : $": {Error.Message}")}";
}
