namespace Segment.Functions.Batching;

/// <summary>How events are grouped for functions that override <c>OnBatch</c> (SPEC §5).</summary>
public sealed class BatchingOptions
{
    /// <summary>The largest batch Segment allows; <see cref="MaxSize"/> may not exceed it.</summary>
    public const int Limit = 400;

    /// <summary>A batch is sent as soon as it holds this many events.</summary>
    /// <value>20. At most <see cref="Limit"/> (400).</value>
    public int MaxSize { get; set; } = 20;

    /// <summary>
    /// A batch is sent at most this long after it started forming (when the destination took its
    /// first event off the queue), however full it is.
    /// </summary>
    /// <value>10 seconds; at most 1 hour.</value>
    public TimeSpan MaxWait { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Below this rate (events per second, over the last 10 s) an event is not held back to form a
    /// batch: it goes straight to its single-event handler. 0 turns the fallback off.
    /// </summary>
    /// <value>1 event per second.</value>
    public double LowVolumeEventsPerSecond { get; set; } = 1.0;
}
