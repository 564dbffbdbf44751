namespace Segment.Functions;

/// <summary>The result of one event of a batch, as an HTTP-like status.</summary>
/// <param name="Status">2xx delivered; 408, 429 and 5xx retried; anything else discarded.</param>
/// <param name="ErrorMessage">Why it failed; kept in the delivery record.</param>
public readonly record struct EventStatus(int Status, string? ErrorMessage = null)
{
    /// <summary>Whether the event was delivered (2xx).</summary>
    public bool IsSuccess => Status is >= 200 and <= 299;

    /// <summary>Whether the event should be tried again (408, 429, 5xx).</summary>
    public bool IsRetryable => Status is 408 or 429 or (>= 500 and <= 599);
}
