namespace Segment.Functions;

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
