using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Segment.Functions.Events.Internal;

/// <summary>
/// The value of one field of an event: the slice of the event's JSON it came from, the value read from it on
/// first use (a string, a boxed <see cref="DateTimeOffset"/> or a <see cref="JsonObject"/>, by the
/// field's <see cref="EventFieldKind"/>), or a value set in code. Keeping the slice means a field
/// nobody reads costs no allocation, and an untouched field is written back byte for byte.
/// </summary>
/// <remarks>
/// Lives in a record's <see cref="EventFieldValues"/> and is used there by reference: the value read
/// on first use is stored in place, once (two threads reading at once end up with the same object).
/// </remarks>
internal struct EventFieldValue
{
    private readonly JsonSlice _source;
    private readonly bool _setInCode;
    private object? _value;

    private EventFieldValue(JsonSlice source, object? value, bool setInCode)
    {
        _source = source;
        _value = value;
        _setInCode = setInCode;
    }

    public static EventFieldValue FromJson(JsonSlice source) => new(source, null, setInCode: false);

    public static EventFieldValue FromText(string? value) => new(default, value, setInCode: true);

    public static EventFieldValue FromTimestamp(DateTimeOffset? value) => new(default, value, setInCode: true);

    // A bag is never null: setting null makes it empty.
    public static EventFieldValue FromObject(JsonObject? value) => new(default, value ?? [], setInCode: true);

    /// <summary>
    /// The parsed value as an element (undefined when the field was absent or set in code). Parsed from
    /// the slice on each call, which is cheap for the small objects this serves (<c>integrations</c>).
    /// </summary>
    public readonly JsonElement Source => _source.ToElement();

    /// <summary>The value if one was made already (set in code, or read); null while it is still only JSON.</summary>
    public readonly object? Materialized => Volatile.Read(ref Unsafe.AsRef(in _value));

    /// <summary>A string field: the text, or a number's JSON text (ids, <c>version</c>).</summary>
    public string? GetText()
    {
        if (Volatile.Read(ref _value) is string known)
        {
            return known;
        }

        var read = _source.Kind switch
        {
            JsonValueKind.String => _source.GetString(),
            JsonValueKind.Number => System.Text.Encoding.UTF8.GetString(_source.Raw),
            _ => null,
        };
        return read is null ? null : (string)(Interlocked.CompareExchange(ref _value, read, null) ?? read);
    }

    /// <summary>A date-time field; the parser has checked that the text is one.</summary>
    public DateTimeOffset? GetTimestamp()
    {
        if (Volatile.Read(ref _value) is DateTimeOffset known)
        {
            return known;
        }

        if (_source.Kind != JsonValueKind.String || !_source.TryGetDateTimeOffset(out var read))
        {
            // Absent or null: the parser refused any other value.
            return null;
        }

        Interlocked.CompareExchange(ref _value, read, null);
        return read;
    }

    /// <summary>A bag: made from the parsed element on first read; empty when absent, null or <c>[]</c>.</summary>
    public JsonObject GetObject()
    {
        if (Volatile.Read(ref _value) is JsonObject known)
        {
            return known;
        }

        var created = _source.Kind == JsonValueKind.Object ? JsonObject.Create(_source.ToElement())! : [];
        return (JsonObject)(Interlocked.CompareExchange(ref _value, created, null) ?? created);
    }

    /// <summary>
    /// A copy for another event that changes nothing here: bags are deep-copied if made already
    /// (else made from the immutable element when read); strings and dates are immutable and shared.
    /// </summary>
    public readonly EventFieldValue Detached() =>
        Materialized is JsonObject bag ? new(_source, bag.DeepClone(), _setInCode) : this;

    public readonly void Write(Utf8JsonWriter writer, JsonEncodedText name)
    {
        var value = Materialized;
        // Reading a bag that was absent, null or [] makes an empty object; that read alone must not
        // change what is written back. A bag set in code, changed, or parsed as an object is written.
        if (value is JsonObject bag && (_setInCode || bag.Count > 0 || _source.Kind == JsonValueKind.Object))
        {
            writer.WritePropertyName(name);
            bag.WriteTo(writer);
        }
        else if (_source.Kind != JsonValueKind.Undefined)
        {
            // A string or a date read from the slice is the slice: write its original bytes.
            writer.WritePropertyName(name);
            RawJson.Write(writer, _source.Raw);
        }
        else if (value is string text)
        {
            writer.WriteString(name, text);
        }
        else if (value is DateTimeOffset time)
        {
            writer.WriteString(name, time);
        }
    }
}

/// <summary>A record's field values, at the slots the field table gives them (<see cref="EventFieldInfo.Slot"/>).</summary>
/// <remarks>A value type inside the record, so a <c>with</c> copy gets its own slots.</remarks>
[InlineArray(EventFields.SlotCount)]
internal struct EventFieldValues
{
    private EventFieldValue _value;
}
