namespace Segment.Functions;

// The rule nearly every function repeats, in one place: a connection error, 408, 429 or 5xx means
// "try again later" (the same statuses OnBatch reports as retryable, see EventStatus.IsRetryable).
public sealed partial class RetryError
{
    /// <summary>
    /// Throws a <see cref="RetryError"/> when the response says to try again later: 408 (Request
    /// Timeout), 429 (Too Many Requests) or a 5xx status. Any other status returns, so the function
    /// decides what a 4xx means (often a <see cref="ValidationError"/>).
    /// </summary>
    /// <param name="response">The downstream API's response. It is disposed when the error is thrown.</param>
    /// <remarks>
    /// The error's message is <c>"HTTP Status 503"</c> (the status code), and its
    /// <see cref="RetryAfter"/> is the response's <c>Retry-After</c> header when it has one: a number
    /// of seconds, or a date taken relative to the response's own <c>Date</c> header (or to the
    /// system clock when it has none; see the overload that takes a <see cref="TimeProvider"/>).
    /// </remarks>
    /// <exception cref="RetryError">The status is 408, 429 or 5xx.</exception>
    /// <example>
    /// <code>
    /// using var response = await Http.PostAsJsonAsync(settings.Endpoint, body, cancellationToken);
    /// RetryError.ThrowIfRetryable(response);
    /// </code>
    /// </example>
    public static void ThrowIfRetryable(HttpResponseMessage response) => ThrowIfRetryable(response, TimeProvider.System);

    /// <summary>
    /// Throws a <see cref="RetryError"/> when the response says to try again later (408, 429 or 5xx),
    /// reading a <c>Retry-After</c> date without a <c>Date</c> header against <paramref name="timeProvider"/>.
    /// </summary>
    /// <param name="response">The downstream API's response. It is disposed when the error is thrown.</param>
    /// <param name="timeProvider">The clock a <c>Retry-After</c> date is compared with when the response has no <c>Date</c> header.</param>
    /// <exception cref="RetryError">The status is 408, 429 or 5xx.</exception>
    public static void ThrowIfRetryable(HttpResponseMessage response, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(timeProvider);
        var status = (int)response.StatusCode;
        if (!new EventStatus(status).IsRetryable)
        {
            return;
        }

        var retryAfter = RetryAfterOf(response, timeProvider);
        response.Dispose();
        throw new RetryError($"HTTP Status {status}") { RetryAfter = retryAfter };
    }

    /// <summary>
    /// Awaits a request and throws a <see cref="RetryError"/> when it could not be sent (an
    /// <see cref="HttpRequestException"/>: connection refused, DNS, TLS…) or when its response says
    /// to try again later (408, 429 or 5xx, as <see cref="ThrowIfRetryable(HttpResponseMessage)"/>).
    /// </summary>
    /// <param name="sending">The request being sent, e.g. <c>Http.PostAsJsonAsync(…)</c>.</param>
    /// <returns>The response, when it is not retryable (2xx, 3xx or a 4xx other than 408 and 429); the caller disposes it.</returns>
    /// <exception cref="RetryError">The request failed to reach the API, or the status is 408, 429 or 5xx.</exception>
    /// <example>
    /// <code>
    /// using var response = await RetryError.ThrowIfRetryableAsync(Http.PostAsJsonAsync(settings.Endpoint, body, cancellationToken));
    /// </code>
    /// </example>
    public static Task<HttpResponseMessage> ThrowIfRetryableAsync(Task<HttpResponseMessage> sending) => ThrowIfRetryableAsync(sending, TimeProvider.System);

    /// <summary>
    /// Awaits a request and throws a <see cref="RetryError"/> when it could not be sent or its response
    /// says to try again later, reading a <c>Retry-After</c> date without a <c>Date</c> header against <paramref name="timeProvider"/>.
    /// </summary>
    /// <param name="sending">The request being sent, e.g. <c>Http.PostAsJsonAsync(…)</c>.</param>
    /// <param name="timeProvider">The clock a <c>Retry-After</c> date is compared with when the response has no <c>Date</c> header.</param>
    /// <returns>The response, when it is not retryable; the caller disposes it.</returns>
    /// <exception cref="RetryError">The request failed to reach the API, or the status is 408, 429 or 5xx.</exception>
    public static async Task<HttpResponseMessage> ThrowIfRetryableAsync(Task<HttpResponseMessage> sending, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(sending);
        ArgumentNullException.ThrowIfNull(timeProvider);
        HttpResponseMessage response;
        try
        {
            response = await sending.ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new RetryError(e.Message, e);
        }

        ThrowIfRetryable(response, timeProvider);
        return response;
    }

    // Retry-After is either a delay in seconds or an HTTP date; a date already past asks for no wait.
    private static TimeSpan? RetryAfterOf(HttpResponseMessage response, TimeProvider timeProvider)
    {
        if (response.Headers.RetryAfter is not { } header)
        {
            return null;
        }

        if (header.Delta is { } delta)
        {
            return delta;
        }

        if (header.Date is { } date)
        {
            // The server's own Date header is the reference when present: it cancels any clock skew between us and it.
            var wait = date - (response.Headers.Date ?? timeProvider.GetUtcNow());
            return wait > TimeSpan.Zero ? wait : null;
        }

        return null;
    }
}
