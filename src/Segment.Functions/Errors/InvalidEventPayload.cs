namespace Segment.Functions;

/// <summary>The event is malformed or misses something the function needs. The event is discarded as "Bad Request".</summary>
public sealed class InvalidEventPayload : FunctionError
{
    /// <summary>Creates the error.</summary>
    /// <param name="message">What is wrong with the payload: which field, which limit.</param>
    public InvalidEventPayload(string message)
        : base(message, innerException: null)
    {
    }

    /// <summary>Creates the error with its cause.</summary>
    /// <param name="message">What is wrong with the payload: which field, which limit.</param>
    /// <param name="innerException">The cause.</param>
    public InvalidEventPayload(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <inheritdoc/>
    public override OutcomeReason Reason => OutcomeReason.BadRequest;
}
