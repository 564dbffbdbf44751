using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Segment.Functions.Events.Internal;

namespace Segment.Functions;

/// <summary>A <c>track</c> message: an action the user did.</summary>
[JsonConverter(typeof(SegmentEventJsonConverter))]
public sealed record TrackEvent : SegmentEvent
{
    /// <inheritdoc/>
    public override string Type => "track";

    /// <inheritdoc/>
    public override SegmentEventType MessageType => SegmentEventType.Track;

    /// <summary><c>event</c>: the name of the action, e.g. <c>"Order Completed"</c>. Required.</summary>
    public string Event { get => Field(EventField.Event).GetText() ?? ""; init => Field(EventField.Event) = EventFieldValue.FromText(value); }

    /// <summary><c>properties</c>: free-form details of the action. Never null.</summary>
    public JsonObject Properties { get => Field(EventField.Properties).GetObject(); init => Field(EventField.Properties) = EventFieldValue.FromObject(value); }
}
