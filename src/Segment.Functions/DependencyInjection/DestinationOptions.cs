namespace Segment.Functions;

/// <summary>Per-destination choices beyond its settings.</summary>
public sealed class DestinationOptions
{
    /// <summary>
    /// A destination filter: only events for which it returns true reach the function (after the
    /// event's <c>integrations</c> object). An exception from it discards the event for this
    /// destination with "Unknown Error". Null lets every event through.
    /// </summary>
    public Func<SegmentEvent, bool>? Filter { get; set; }
}
