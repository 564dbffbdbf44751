namespace Segment.Functions.Hosting;

/// <summary>What <c>SendAsync</c> does when a destination already holds <see cref="SegmentFunctionsOptions.QueueCapacity"/> events.</summary>
public enum QueueFullMode
{
    /// <summary>Wait for room (back-pressure on the sender). The default.</summary>
    Wait,

    /// <summary>Do not wait: the event is not taken for that destination, and the result says so.</summary>
    Reject,
}
