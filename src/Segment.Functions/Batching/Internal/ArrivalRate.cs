namespace Segment.Functions.Batching.Internal;

/// <summary>
/// Events per second over the last 10 seconds, in one-second buckets. Used by a single reader
/// (the destination's batching loop), so it takes no lock.
/// </summary>
internal sealed class ArrivalRate
{
    private const int Seconds = 10;
    private readonly TimeProvider _time;
    private readonly long[] _buckets = new long[Seconds];
    private long _lastSecond;

    public ArrivalRate(TimeProvider time)
    {
        _time = time;
        _lastSecond = CurrentSecond();
    }

    /// <summary>Counts one arrival now.</summary>
    public void Record()
    {
        var second = Advance();
        _buckets[second % Seconds]++;
    }

    /// <summary>The average rate over the window, in events per second.</summary>
    public double PerSecond
    {
        get
        {
            Advance();
            long total = 0;
            foreach (var count in _buckets)
            {
                total += count;
            }

            return total / (double)Seconds;
        }
    }

    // Clears the buckets of the seconds that passed since the last call.
    private long Advance()
    {
        var second = CurrentSecond();
        var passed = Math.Min(second - _lastSecond, Seconds);
        for (var i = 1; i <= passed; i++)
        {
            _buckets[(_lastSecond + i) % Seconds] = 0;
        }

        _lastSecond = Math.Max(second, _lastSecond);
        return _lastSecond;
    }

    private long CurrentSecond() => _time.GetUtcNow().ToUnixTimeSeconds();
}
