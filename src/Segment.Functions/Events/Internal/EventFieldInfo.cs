using System.Text.Json;

namespace Segment.Functions.Events.Internal;

/// <summary>One row of the field table (<see cref="EventFields"/>): everything the parser, the records, the copy and the writer need to know about a field.</summary>
internal sealed class EventFieldInfo
{
    public EventFieldInfo(EventField field, string name, EventFieldKind kind, EventTypes carriedBy, int slot, string? requiredError = null)
    {
        Field = field;
        Name = name;
        EncodedName = JsonEncodedText.Encode(name);
        Utf8Name = System.Text.Encoding.UTF8.GetBytes(name);
        Kind = kind;
        CarriedBy = carriedBy;
        Slot = slot;
        RequiredError = requiredError;
    }

    public EventField Field { get; }

    /// <summary>The JSON name, as the Spec spells it.</summary>
    public string Name { get; }

    /// <summary><see cref="Name"/>, encoded once for writing.</summary>
    public JsonEncodedText EncodedName { get; }

    /// <summary><see cref="Name"/> in UTF-8, compared with the raw names of a parsed event.</summary>
    public byte[] Utf8Name { get; }

    public EventFieldKind Kind { get; }

    /// <summary>The message types that have this field; on other types it is an additional field.</summary>
    public EventTypes CarriedBy { get; }

    /// <summary>Where a record keeps the field's value (<see cref="EventFieldValues"/>); -1 for <c>type</c>.</summary>
    public int Slot { get; }

    /// <summary>The parse error when the field is missing or empty; null for an optional field.</summary>
    public string? RequiredError { get; }

    public bool IsCarriedBy(SegmentEventType type) => (CarriedBy & EventFields.Bit(type)) != 0;
}
