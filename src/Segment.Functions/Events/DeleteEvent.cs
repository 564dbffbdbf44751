using System.Text.Json.Serialization;
using Segment.Functions.Events.Internal;

namespace Segment.Functions;

/// <summary>A <c>delete</c> message: a request to delete the data of <see cref="SegmentEvent.UserId"/>.</summary>
[JsonConverter(typeof(SegmentEventJsonConverter))]
public sealed record DeleteEvent : SegmentEvent
{
    /// <inheritdoc/>
    public override string Type => "delete";

    /// <inheritdoc/>
    public override SegmentEventType MessageType => SegmentEventType.Delete;
}
