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
