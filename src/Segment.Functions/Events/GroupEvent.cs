using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Segment.Functions.Events.Internal;

namespace Segment.Functions;

/// <summary>A <c>group</c> message: the user belongs to an account, company or organisation.</summary>
[JsonConverter(typeof(SegmentEventJsonConverter))]
public sealed record GroupEvent : SegmentEvent
{
    internal LazyString _groupId;
    internal LazyObject _traits;

    /// <inheritdoc/>
    public override string Type => "group";

    /// <inheritdoc/>
    public override SegmentEventType MessageType => SegmentEventType.Group;

    /// <summary><c>groupId</c>: the id of the group. Required.</summary>
    public string GroupId { get => _groupId.Get() ?? ""; init => _groupId = LazyString.FromValue(value); }

    /// <summary><c>traits</c>: what is known about the group (name, industry, employees, …). Never null.</summary>
    public JsonObject Traits { get => _traits.Get(); init => _traits = LazyObject.FromValue(value); }

    internal override bool OwnsField(EventField field) =>
        field is EventField.GroupId or EventField.Traits || base.OwnsField(field);

    private protected override void DetachFields()
    {
        base.DetachFields();
        _groupId = _groupId.Detached();
        _traits = _traits.Detached();
    }

    internal override void WriteOwnFields(Utf8JsonWriter writer)
    {
        _groupId.Write(writer, FieldNames.GroupId);
        _traits.Write(writer, FieldNames.Traits);
    }
}
