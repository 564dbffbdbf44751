using System.Text.Json.Serialization;
using Segment.Functions.Events.Internal;

namespace Segment.Functions;

/// <summary>An <c>alias</c> message: <see cref="PreviousId"/> and <see cref="SegmentEvent.UserId"/> are the same person.</summary>
[JsonConverter(typeof(SegmentEventJsonConverter))]
public sealed record AliasEvent : SegmentEvent
{
    /// <inheritdoc/>
    public override string Type => "alias";

    /// <inheritdoc/>
    public override SegmentEventType MessageType => SegmentEventType.Alias;

    /// <summary><c>previousId</c>: the user's earlier id. Required.</summary>
    public string PreviousId { get => Field(EventField.PreviousId).GetText() ?? ""; init => Field(EventField.PreviousId) = EventFieldValue.FromText(value); }
}
