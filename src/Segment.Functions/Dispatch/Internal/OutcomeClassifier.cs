using Polly.CircuitBreaker;
using Polly.RateLimiting;
using Polly.Timeout;
using Segment.Functions.Settings.Internal;

namespace Segment.Functions.Dispatch.Internal;

/// <summary>
/// The one mapping from "what happened" to an outcome (SPEC §2 and §5), used by the harness and the host alike.
/// </summary>
internal static class OutcomeClassifier
{
    public static EventOutcome FromException(Exception exception, SecretRedactor redactor)
    {
        var error = new ErrorInfo(TypeName(exception), redactor.Redact(exception.Message));
        return exception switch
        {
            RetryError retry => new(OutcomeKind.Retry, OutcomeReason.Retry, error, RetryAfter: retry.RetryAfter),
            FunctionError known => new(OutcomeKind.Discarded, known.Reason, error),
            // The HttpClient's own resilience pipeline refusing to call a struggling API (open
            // circuit, rate limiter) says "later", not "never": retried like a RetryError.
            BrokenCircuitException => new(OutcomeKind.Retry, OutcomeReason.Retry, error),
            RateLimiterRejectedException limited => new(OutcomeKind.Retry, OutcomeReason.Retry, error, RetryAfter: limited.RetryAfter),
            // Timeouts that surface from inside the handler (HttpClient.Timeout, the resilience
            // pipeline's total timeout) are timeouts too, and so are retried.
            TimeoutRejectedException or TimeoutException or TaskCanceledException { InnerException: TimeoutException }
                => new(OutcomeKind.Retry, OutcomeReason.Timeout, error),
            _ => new(OutcomeKind.Discarded, OutcomeReason.UnknownError, error),
        };
    }

    public static EventOutcome Timeout(TimeSpan timeout) => new(
        OutcomeKind.Retry,
        OutcomeReason.Timeout,
        new ErrorInfo("Timeout", $"The handler did not finish within the invocation timeout of {timeout.TotalSeconds:0.###} s."));

    /// <summary>A status returned by <c>OnBatch</c>: 2xx delivered; 408, 429, 5xx retry; anything else discard.</summary>
    public static EventOutcome FromStatus(EventStatus status, SecretRedactor redactor)
    {
        if (status.IsSuccess)
        {
            return EventOutcome.Delivered with { Status = status.Status };
        }

        var message = redactor.Redact(status.ErrorMessage ?? $"Status {status.Status}");
        return status.IsRetryable
            ? new(OutcomeKind.Retry, OutcomeReason.Retry, new ErrorInfo("EventStatus", message), status.Status)
            : new(OutcomeKind.Discarded, OutcomeReason.MessageRejected, new ErrorInfo("EventStatus", message), status.Status);
    }

    // The author-facing errors are known by their short names, as in the original runtime.
    private static string TypeName(Exception exception) =>
        exception is FunctionError ? exception.GetType().Name : exception.GetType().FullName ?? exception.GetType().Name;
}
