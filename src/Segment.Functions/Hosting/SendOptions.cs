namespace Segment.Functions.Hosting;

/// <summary>Choices for one send to <see cref="ISegmentFunctions"/>.</summary>
public sealed class SendOptions
{
    /// <summary>
    /// Limits the send to these destinations (names as registered, compared case-sensitively), on top
    /// of the event's <c>integrations</c> object and each destination's filter, which still apply.
    /// Null, the default, means every registered destination. An ingestion endpoint uses this for a
    /// write key that may feed only some destinations.
    /// </summary>
    /// <value>The default is null: no limit.</value>
    public IReadOnlySet<string>? Destinations { get; init; }
}
