namespace Segment.Functions.Pipeline.Internal;

/// <summary>
/// How many events a durable destination claims at once. Claims run one at a time per destination,
/// each a statement and a commit, so the claim size bounds its throughput (<c>throughput --postgres</c>
/// on two cores: 64 at a time gave 16,100–17,500 events/s, 512 gave 23,500–25,400); but claimed events
/// wait on this instance, out of other instances' reach, so a slow destination should not hold many.
/// A single-event destination therefore claims about one second of what it settles, between
/// <see cref="Min"/> and <see cref="Max"/>; a batching one a whole batch (<c>Batching.MaxSize</c>).
/// Used by the claim loop only (one thread at a time).
/// </summary>
internal sealed class ClaimSizes
{
    public const int Min = 64;

    public const int Max = 512;

    private static readonly TimeSpan Window = TimeSpan.FromSeconds(1);

    private readonly bool _fixed;
    private int _current;
    private long _windowStarted;
    private long _settledAtStart;

    private ClaimSizes(int size, bool @fixed)
    {
        _current = size;
        _fixed = @fixed;
    }

    /// <summary>The most a claim can take: the local queue holds two of them.</summary>
    public int Largest => _fixed ? _current : Max;

    public static ClaimSizes For(bool batching, int batchSize) => batching ? new(batchSize, @fixed: true) : new(Min, @fixed: false);

    /// <summary>The size of the next claim, given how many events this destination has settled so far.</summary>
    public int Next(long settled, TimeProvider time)
    {
        if (_fixed)
        {
            return _current;
        }

        var now = time.GetTimestamp();
        if (_windowStarted == 0)
        {
            (_windowStarted, _settledAtStart) = (now, settled);
            return _current;
        }

        var elapsed = time.GetElapsedTime(_windowStarted, now);
        if (elapsed >= Window)
        {
            var perSecond = (settled - _settledAtStart) / elapsed.TotalSeconds;
            _current = (int)Math.Clamp(perSecond, Min, Max);
            (_windowStarted, _settledAtStart) = (now, settled);
        }

        return _current;
    }
}
