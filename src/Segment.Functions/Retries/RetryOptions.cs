using System.ComponentModel.DataAnnotations;
using Segment.Functions.Retries.Internal;

namespace Segment.Functions.Retries;

/// <summary>How retryable outcomes are rescheduled: randomized exponential backoff inside a retry window.</summary>
public sealed class RetryOptions
{
    /// <summary>The upper bound of the first wait.</summary>
    /// <value>1 second; between 1 millisecond and 1 day, and at most <see cref="MaxDelay"/>.</value>
    [Range(typeof(TimeSpan), RetryConstants.MinDelay, RetryConstants.MaxDelay)]
    public TimeSpan InitialDelay { get; set; } = RetryConstants.DefaultInitialDelay;

    /// <summary>How much the upper bound grows per attempt.</summary>
    /// <value>2; between 1 and 10.</value>
    [Range(RetryConstants.MinMultiplier, RetryConstants.MaxMultiplier)]
    public double Multiplier { get; set; } = RetryConstants.DefaultMultiplier;

    /// <summary>The longest single wait.</summary>
    /// <value>10 minutes; between 1 millisecond and 1 day, and at least <see cref="InitialDelay"/>.</value>
    [Range(typeof(TimeSpan), RetryConstants.MinDelay, RetryConstants.MaxDelay)]
    public TimeSpan MaxDelay { get; set; } = RetryConstants.DefaultMaxDelay;

    /// <summary>
    /// How long after the first attempt an event is retried. A wait that would end later is cut to
    /// end with the window, so the last attempt is made when it closes; if that one fails too, the
    /// event is recorded as expired. A Retry-After reaching past the window expires it at once.
    /// </summary>
    /// <value>4 hours, as Segment does; between 1 millisecond and 30 days.</value>
    [Range(typeof(TimeSpan), RetryConstants.MinRetryWindow, RetryConstants.MaxRetryWindow)]
    public TimeSpan RetryWindow { get; set; } = RetryConstants.DefaultRetryWindow;
}
