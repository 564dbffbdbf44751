namespace Segment.Functions.Retries.Internal;

/// <summary>
/// Randomized exponential backoff with "full jitter": the wait before attempt n+1 is uniform in
/// [0, min(MaxDelay, InitialDelay × Multiplier^(n-1))], so retries of many events spread out
/// instead of arriving together. A downstream's own minimum (a 429's Retry-After) is honoured.
/// </summary>
internal sealed class RetryBackoff
{
    private readonly RetryOptions _options;
    private readonly Func<double> _random;

    public RetryBackoff(RetryOptions options, Func<double>? random = null)
    {
        _options = options;
        _random = random ?? Random.Shared.NextDouble;
    }

    /// <summary>The upper bound of the wait after <paramref name="attempts"/> attempts (1 = after the first).</summary>
    public TimeSpan UpperBound(int attempts)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(attempts, 1);
        var bound = _options.InitialDelay.TotalMilliseconds * Math.Pow(_options.Multiplier, attempts - 1);
        return TimeSpan.FromMilliseconds(Math.Min(bound, _options.MaxDelay.TotalMilliseconds));
    }

    /// <summary>
    /// When to try next, or null when the event expires. A wait that would end past the retry
    /// window is cut to end with it, so the last attempt is made when the window closes and no
    /// event is given up earlier; once the window has passed, the event expires. A minimum the
    /// failure asked for (Retry-After) is honoured: when it reaches past the window, no attempt
    /// can honour it, and the event expires now.
    /// </summary>
    /// <param name="attempts">Attempts made so far.</param>
    /// <param name="firstAttempt">When the first attempt was made.</param>
    /// <param name="now">Now.</param>
    /// <param name="retryAfter">A minimum wait the failure asked for.</param>
    public DateTimeOffset? NextAttempt(int attempts, DateTimeOffset firstAttempt, DateTimeOffset now, TimeSpan? retryAfter = null)
    {
        // Compared as durations before adding, so a huge Retry-After expires the event instead of overflowing the date.
        var left = _options.RetryWindow - (now - firstAttempt);
        if (left <= TimeSpan.Zero || retryAfter > left)
        {
            return null;
        }

        var wait = TimeSpan.FromMilliseconds(UpperBound(attempts).TotalMilliseconds * _random());
        if (retryAfter is { } minimum && minimum > wait)
        {
            wait = minimum;
        }

        return now + (wait < left ? wait : left);
    }
}
