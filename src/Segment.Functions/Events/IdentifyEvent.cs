using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Segment.Functions.Events.Internal;

namespace Segment.Functions;

/// <summary>An <c>identify</c> message: who the user is.</summary>
[JsonConverter(typeof(SegmentEventJsonConverter))]
public sealed record IdentifyEvent : SegmentEvent
{
    /// <inheritdoc/>
    public override string Type => "identify";

    /// <inheritdoc/>
    public override SegmentEventType MessageType => SegmentEventType.Identify;

    /// <summary><c>traits</c>: what is known about the user (email, name, plan, …). Never null.</summary>
    public JsonObject Traits { get => Field(EventField.Traits).GetObject(); init => Field(EventField.Traits) = EventFieldValue.FromObject(value); }
}
