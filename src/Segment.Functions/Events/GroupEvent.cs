using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Segment.Functions.Events.Internal;

namespace Segment.Functions;

/// <summary>A <c>group</c> message: the user belongs to an account, company or organisation.</summary>
[JsonConverter(typeof(SegmentEventJsonConverter))]
public sealed record GroupEvent : SegmentEvent
{
    /// <inheritdoc/>
    public override string Type => "group";

    /// <inheritdoc/>
    public override SegmentEventType MessageType => SegmentEventType.Group;

    /// <summary><c>groupId</c>: the id of the group. Required.</summary>
    public string GroupId { get => Field(EventField.GroupId).GetText() ?? ""; init => Field(EventField.GroupId) = EventFieldValue.FromText(value); }

    /// <summary><c>traits</c>: what is known about the group (name, industry, employees, …). Never null.</summary>
    public JsonObject Traits { get => Field(EventField.Traits).GetObject(); init => Field(EventField.Traits) = EventFieldValue.FromObject(value); }
}
