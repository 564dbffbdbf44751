using System.Text.Json;

namespace Segment.Functions.Events.Internal;

/// <summary>
/// A date-time field: validated and read when the event is parsed (a bad timestamp must be a parse
/// error, not a surprise inside a handler), but written back from the original text so that
/// <c>"2026-03-01T10:15:30.123+01:00"</c> round-trips exactly.
/// </summary>
internal readonly struct LazyTimestamp
{
    private readonly JsonElement _source;
    private readonly DateTimeOffset? _value;

    private LazyTimestamp(JsonElement source, DateTimeOffset? value)
    {
        _source = source;
        _value = value;
    }

    public DateTimeOffset? Value => _value;

    public static LazyTimestamp FromValue(DateTimeOffset? value) => new(default, value);

    /// <summary>Reads an ISO-8601 date-time or null; false when the element is anything else.</summary>
    public static bool TryFromJson(JsonElement source, out LazyTimestamp timestamp)
    {
        switch (source.ValueKind)
        {
            case JsonValueKind.Null:
                timestamp = new(source, null);
                return true;
            case JsonValueKind.String when source.TryGetDateTimeOffset(out var value):
                timestamp = new(source, value);
                return true;
            default:
                timestamp = default;
                return false;
        }
    }

    public void Write(Utf8JsonWriter writer, JsonEncodedText name)
    {
        if (_source.ValueKind != JsonValueKind.Undefined)
        {
            writer.WritePropertyName(name);
            RawJson.Write(writer, _source);
        }
        else if (_value is { } value)
        {
            writer.WriteString(name, value);
        }
    }
}
