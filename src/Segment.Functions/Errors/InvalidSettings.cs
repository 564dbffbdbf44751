namespace Segment.Functions;

/// <summary>The function's settings are missing or wrong. The event is discarded as "Invalid Settings".</summary>
public sealed class InvalidSettings : FunctionError
{
    /// <summary>Creates the error.</summary>
    /// <param name="message">Which setting is wrong and how to fix it.</param>
    public InvalidSettings(string message)
        : base(message, innerException: null)
    {
    }

    /// <summary>Creates the error with its cause.</summary>
    /// <param name="message">Which setting is wrong and how to fix it.</param>
    /// <param name="innerException">The cause.</param>
    public InvalidSettings(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <inheritdoc/>
    public override OutcomeReason Reason => OutcomeReason.InvalidSettings;
}
