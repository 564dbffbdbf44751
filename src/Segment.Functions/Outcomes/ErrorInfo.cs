namespace Segment.Functions;

/// <summary>The error of a failed invocation as it is recorded: type name and message, secrets redacted.</summary>
/// <param name="Type">The exception's type name, e.g. <c>"RetryError"</c> or <c>"System.InvalidOperationException"</c>.</param>
/// <param name="Message">The message, with encrypted settings replaced by <c>***</c>.</param>
public sealed record ErrorInfo(string Type, string Message)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Type}: {Message}";
}
