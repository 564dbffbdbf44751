using System.ComponentModel.DataAnnotations;
using Segment.Functions.Batching.Internal;

namespace Segment.Functions.Batching;

/// <summary>How events are grouped for functions that override <c>OnBatch</c> (SPEC §5).</summary>
public sealed class BatchingOptions
{
    /// <summary>The largest batch Segment allows; <see cref="MaxSize"/> may not exceed it.</summary>
    public const int Limit = BatchingConstants.MaxSize;

    /// <summary>A batch is sent as soon as it holds this many events.</summary>
    /// <value>20; between 1 and <see cref="Limit"/> (400).</value>
    [Range(1, Limit)]
    public int MaxSize { get; set; } = BatchingConstants.DefaultMaxSize;

    /// <summary>
    /// A batch is sent at most this long after it started forming (when the destination took its
    /// first event off the queue), however full it is.
    /// </summary>
    /// <value>10 seconds; between 1 millisecond and 1 hour.</value>
    [Range(typeof(TimeSpan), BatchingConstants.MinMaxWait, BatchingConstants.MaxMaxWait)]
    public TimeSpan MaxWait { get; set; } = BatchingConstants.DefaultMaxWait;

    /// <summary>
    /// Below this rate an event is not held back to form a batch. An event that finds no other
    /// queued with it waits up to 1 / this rate (1 s by default, at most <see cref="MaxWait"/>) for
    /// another: if none comes it goes to its single-event handler; if one comes, a batch forms as
    /// usual (<see cref="MaxSize"/> events or <see cref="MaxWait"/> after the first). So a burst is
    /// batched whole whatever came before it, and sparse traffic waits at most that grace.
    /// 0 turns the fallback off: every event waits to form a batch.
    /// </summary>
    /// <value>1 event per second; between 0 and 1,000,000.</value>
    [Range(0.0, BatchingConstants.MaxLowVolumeEventsPerSecond)]
    public double LowVolumeEventsPerSecond { get; set; } = BatchingConstants.DefaultLowVolumeEventsPerSecond;
}
