using Segment.Functions.Delivery;

namespace Segment.Functions.Hosting.Internal;

/// <summary>
/// One event accepted for one destination, from the moment it is queued until its final outcome.
/// It is also the thread-pool work item that runs its single-event invocation, so dispatching an
/// event allocates nothing more.
/// </summary>
internal sealed class PendingEvent : IThreadPoolWorkItem
{
    private static long s_sequence;
    private readonly DestinationPipeline _pipeline;

    public PendingEvent(DestinationPipeline pipeline, SegmentEvent @event)
    {
        _pipeline = pipeline;
        Event = @event;
        Sequence = Interlocked.Increment(ref s_sequence);
    }

    public SegmentEvent Event { get; }

    /// <summary>Unique in the process; see <see cref="DeliveryRecord.Sequence"/>.</summary>
    public long Sequence { get; }

    /// <summary>Attempts started so far. Only the invocation that holds the event touches it.</summary>
    public int Attempts { get; set; }

    public DateTimeOffset FirstAttemptAt { get; set; }

    public static long NextSequence() => Interlocked.Increment(ref s_sequence);

    void IThreadPoolWorkItem.Execute() => _ = _pipeline.RunSingleAsync(this);
}

/// <summary>A batch handed to the thread pool for one <c>OnBatch</c> invocation.</summary>
internal sealed class PendingBatch(DestinationPipeline pipeline, List<PendingEvent> events) : IThreadPoolWorkItem
{
    void IThreadPoolWorkItem.Execute() => _ = pipeline.RunBatchAsync(events);
}
