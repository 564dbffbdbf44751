namespace Segment.Functions;

/// <summary>The event is well formed but its data is not acceptable. The event is discarded as "Message Rejected".</summary>
public sealed class ValidationError : FunctionError
{
    /// <summary>Creates the error.</summary>
    /// <param name="message">Why the data was rejected.</param>
    public ValidationError(string message)
        : base(message, innerException: null)
    {
    }

    /// <summary>Creates the error with its cause.</summary>
    /// <param name="message">Why the data was rejected.</param>
    /// <param name="innerException">The cause.</param>
    public ValidationError(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <inheritdoc/>
    public override OutcomeReason Reason => OutcomeReason.MessageRejected;
}
