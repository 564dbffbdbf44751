using System.Text.Json;
using System.Text.Json.Serialization;
using Segment.Functions.Events.Internal;

namespace Segment.Functions;

/// <summary>An <c>alias</c> message: <see cref="PreviousId"/> and <see cref="SegmentEvent.UserId"/> are the same person.</summary>
[JsonConverter(typeof(SegmentEventJsonConverter))]
public sealed record AliasEvent : SegmentEvent
{
    internal LazyString _previousId;

    /// <inheritdoc/>
    public override string Type => "alias";

    /// <inheritdoc/>
    public override SegmentEventType MessageType => SegmentEventType.Alias;

    /// <summary><c>previousId</c>: the user's earlier id. Required.</summary>
    public string PreviousId { get => _previousId.Get() ?? ""; init => _previousId = LazyString.FromValue(value); }

    internal override bool OwnsField(EventField field) => field is EventField.PreviousId || base.OwnsField(field);

    private protected override void DetachFields()
    {
        base.DetachFields();
        _previousId = _previousId.Detached();
    }

    internal override void WriteOwnFields(Utf8JsonWriter writer) => _previousId.Write(writer, FieldNames.PreviousId);
}
