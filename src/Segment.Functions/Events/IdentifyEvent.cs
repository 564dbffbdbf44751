using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Segment.Functions.Events.Internal;

namespace Segment.Functions;

/// <summary>An <c>identify</c> message: who the user is.</summary>
[JsonConverter(typeof(SegmentEventJsonConverter))]
public sealed record IdentifyEvent : SegmentEvent
{
    internal LazyObject _traits;

    /// <inheritdoc/>
    public override string Type => "identify";

    /// <inheritdoc/>
    public override SegmentEventType MessageType => SegmentEventType.Identify;

    /// <summary><c>traits</c>: what is known about the user (email, name, plan, …). Never null.</summary>
    public JsonObject Traits { get => _traits.Get(); init => _traits = LazyObject.FromValue(value); }

    internal override bool OwnsField(EventField field) => field is EventField.Traits || base.OwnsField(field);

    private protected override void DetachFields()
    {
        base.DetachFields();
        _traits = _traits.Detached();
    }

    internal override void WriteOwnFields(Utf8JsonWriter writer) => _traits.Write(writer, FieldNames.Traits);
}
