namespace Segment.Functions;

/// <summary>
/// The base of the errors a destination function throws on purpose to say what should happen to the
/// event: discard it (<see cref="EventNotSupported"/>, <see cref="InvalidEventPayload"/>,
/// <see cref="ValidationError"/>, <see cref="InvalidSettings"/>) or try again later (<see cref="RetryError"/>).
/// Any other exception discards the event as <see cref="OutcomeReason.UnknownError"/>.
/// </summary>
public abstract class FunctionError : Exception
{
    /// <summary>Creates the error with a message for the delivery record.</summary>
    /// <param name="message">What went wrong, shown in delivery records and test runs.</param>
    /// <param name="innerException">The cause, if any.</param>
    private protected FunctionError(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Whether the host tries the event again (only <see cref="RetryError"/>).</summary>
    public bool IsRetryable => Reason == OutcomeReason.Retry;

    /// <summary>The reason recorded for the event.</summary>
    public abstract OutcomeReason Reason { get; }
}

/// <summary>The function does not handle this message type. The event is discarded as "Unsupported Event Type".</summary>
public sealed class EventNotSupported : FunctionError
{
    /// <summary>Creates the error.</summary>
    /// <param name="message">For example <c>"alias is not supported"</c>.</param>
    /// <param name="innerException">The cause, if any.</param>
    public EventNotSupported(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }

    /// <inheritdoc/>
    public override OutcomeReason Reason => OutcomeReason.UnsupportedEventType;
}

/// <summary>The event is malformed or misses something the function needs. The event is discarded as "Bad Request".</summary>
public sealed class InvalidEventPayload : FunctionError
{
    /// <summary>Creates the error.</summary>
    /// <param name="message">What is wrong with the payload: which field, which limit.</param>
    /// <param name="innerException">The cause, if any.</param>
    public InvalidEventPayload(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }

    /// <inheritdoc/>
    public override OutcomeReason Reason => OutcomeReason.BadRequest;
}

/// <summary>The event is well formed but its data is not acceptable. The event is discarded as "Message Rejected".</summary>
public sealed class ValidationError : FunctionError
{
    /// <summary>Creates the error.</summary>
    /// <param name="message">Why the data was rejected.</param>
    /// <param name="innerException">The cause, if any.</param>
    public ValidationError(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }

    /// <inheritdoc/>
    public override OutcomeReason Reason => OutcomeReason.MessageRejected;
}

/// <summary>A temporary failure (network error, 5xx, 429): the host tries the event again later, with backoff.</summary>
public sealed class RetryError : FunctionError
{
    /// <summary>Creates the error.</summary>
    /// <param name="message">What failed, e.g. <c>"HTTP Status 503"</c>.</param>
    /// <param name="innerException">The cause, if any.</param>
    public RetryError(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }

    /// <summary>The earliest time to try again, when the downstream said so (a 429's <c>Retry-After</c>); null to use the backoff.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <inheritdoc/>
    public override OutcomeReason Reason => OutcomeReason.Retry;
}

/// <summary>The function's settings are missing or wrong. The event is discarded as "Invalid Settings".</summary>
public sealed class InvalidSettings : FunctionError
{
    /// <summary>Creates the error.</summary>
    /// <param name="message">Which setting is wrong and how to fix it.</param>
    /// <param name="innerException">The cause, if any.</param>
    public InvalidSettings(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }

    /// <inheritdoc/>
    public override OutcomeReason Reason => OutcomeReason.InvalidSettings;
}
