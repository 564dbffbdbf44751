namespace Segment.Functions;

/// <summary>The function does not handle this message type. The event is discarded as "Unsupported Event Type".</summary>
public sealed class EventNotSupported : FunctionError
{
    /// <summary>Creates the error.</summary>
    /// <param name="message">For example <c>"alias is not supported"</c>.</param>
    public EventNotSupported(string message)
        : base(message, innerException: null)
    {
    }

    /// <summary>Creates the error with its cause.</summary>
    /// <param name="message">For example <c>"alias is not supported"</c>.</param>
    /// <param name="innerException">The cause.</param>
    public EventNotSupported(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <inheritdoc/>
    public override OutcomeReason Reason => OutcomeReason.UnsupportedEventType;
}
