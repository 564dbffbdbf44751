using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Segment.Functions.Events.Internal;

namespace Segment.Functions;

/// <summary>A <c>track</c> message: an action the user did.</summary>
[JsonConverter(typeof(SegmentEventJsonConverter))]
public sealed record TrackEvent : SegmentEvent
{
    internal LazyString _event;
    internal LazyObject _properties;

    /// <inheritdoc/>
    public override string Type => "track";

    /// <inheritdoc/>
    public override SegmentEventType MessageType => SegmentEventType.Track;

    /// <summary><c>event</c>: the name of the action, e.g. <c>"Order Completed"</c>. Required.</summary>
    public string Event { get => _event.Get() ?? ""; init => _event = LazyString.FromValue(value); }

    /// <summary><c>properties</c>: free-form details of the action. Never null.</summary>
    public JsonObject Properties { get => _properties.Get(); init => _properties = LazyObject.FromValue(value); }

    internal override bool OwnsField(EventField field) =>
        field is EventField.Event or EventField.Properties || base.OwnsField(field);

    private protected override void DetachFields()
    {
        base.DetachFields();
        _event = _event.Detached();
        _properties = _properties.Detached();
    }

    internal override void WriteOwnFields(Utf8JsonWriter writer)
    {
        _event.Write(writer, FieldNames.Event);
        _properties.Write(writer, FieldNames.Properties);
    }
}
