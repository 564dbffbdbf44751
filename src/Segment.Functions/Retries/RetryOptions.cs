using System.ComponentModel.DataAnnotations;

namespace Segment.Functions;

/// <summary>How retryable outcomes are rescheduled: randomized exponential backoff inside a retry window.</summary>
public sealed class RetryOptions
{
    /// <summary>The upper bound of the first wait.</summary>
    /// <value>1 second.</value>
    public TimeSpan InitialDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How much the upper bound grows per attempt.</summary>
    /// <value>2.</value>
    [Range(1.0, 10.0)]
    public double Multiplier { get; set; } = 2.0;

    /// <summary>The longest single wait.</summary>
    /// <value>10 minutes.</value>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// How long after the first attempt an event is retried. A wait that would end later is cut to
    /// end with the window, so the last attempt is made when it closes; if that one fails too, the
    /// event is recorded as expired. A Retry-After reaching past the window expires it at once.
    /// </summary>
    /// <value>4 hours, as Segment does.</value>
    public TimeSpan RetryWindow { get; set; } = TimeSpan.FromHours(4);

    /// <summary>Throws a clear error for a value out of range.</summary>
    internal void Validate()
    {
        if (InitialDelay <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(InitialDelay), InitialDelay, "RetryOptions.InitialDelay must be more than zero.");
        }

        if (MaxDelay < InitialDelay)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxDelay), MaxDelay, "RetryOptions.MaxDelay must be at least RetryOptions.InitialDelay.");
        }

        if (MaxDelay > TimeSpan.FromDays(1))
        {
            throw new ArgumentOutOfRangeException(nameof(MaxDelay), MaxDelay, "RetryOptions.MaxDelay must be at most 1 day.");
        }

        if (RetryWindow <= TimeSpan.Zero || RetryWindow > TimeSpan.FromDays(30))
        {
            throw new ArgumentOutOfRangeException(nameof(RetryWindow), RetryWindow, "RetryOptions.RetryWindow must be more than zero and at most 30 days.");
        }

        Validator.ValidateObject(this, new ValidationContext(this), validateAllProperties: true);
    }
}
