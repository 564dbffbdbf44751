using System.Text.Json.Serialization;
using Segment.Functions.Events.Internal;

namespace Segment.Functions;

/// <summary>A <c>page</c> message: a web page view.</summary>
[JsonConverter(typeof(SegmentEventJsonConverter))]
public sealed record PageEvent : ViewEvent
{
    /// <inheritdoc/>
    public override string Type => "page";

    /// <inheritdoc/>
    public override SegmentEventType MessageType => SegmentEventType.Page;
}
