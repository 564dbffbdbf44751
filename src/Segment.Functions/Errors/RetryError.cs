namespace Segment.Functions;

/// <summary>A temporary failure (network error, 5xx, 429): the host tries the event again later, with backoff.</summary>
public sealed partial class RetryError : FunctionError
{
    /// <summary>Creates the error.</summary>
    /// <param name="message">What failed, e.g. <c>"HTTP Status 503"</c>.</param>
    public RetryError(string message)
        : base(message, innerException: null)
    {
    }

    /// <summary>Creates the error with its cause.</summary>
    /// <param name="message">What failed, e.g. <c>"HTTP Status 503"</c>.</param>
    /// <param name="innerException">The cause.</param>
    public RetryError(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The earliest time to try again, when the downstream said so (a 429's <c>Retry-After</c>); null to use the backoff.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <inheritdoc/>
    public override OutcomeReason Reason => OutcomeReason.Retry;
}
