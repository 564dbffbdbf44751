using System.Text;
using System.Text.Json;

namespace Segment.Functions.Events.Internal;

/// <summary>
/// One top-level value of a parsed event: where its bytes are in the event's JSON (<see cref="EventJson"/>),
/// and what kind of value it is. Reading it costs only the value itself; a field nobody reads costs
/// nothing, and an unread field is written back byte for byte.
/// </summary>
/// <remarks>16 bytes: the length, the kind and two flags share one integer, so a record's fields stay small.</remarks>
internal readonly struct JsonSlice
{
    private const int LengthBits = 26; // up to 64 MB, above the 16 MB EventParseOptions allows
    private const int LengthMask = (1 << LengthBits) - 1;
    private const int EscapedBit = 1 << 30;
    private const int DateTimeBit = 1 << 31;

    private readonly EventJson? _json;
    private readonly int _start;
    private readonly int _lengthKindEscaped;

    public JsonSlice(EventJson json, int start, int length, JsonValueKind kind, bool escaped, bool isDateTime = false)
    {
        _json = json;
        _start = start;
        _lengthKindEscaped = length | ((int)kind << LengthBits) | (escaped ? EscapedBit : 0) | (isDateTime ? DateTimeBit : 0);
    }

    /// <summary>The kind of value; <see cref="JsonValueKind.Undefined"/> when the field was absent.</summary>
    public JsonValueKind Kind => _json is null ? JsonValueKind.Undefined : (JsonValueKind)((_lengthKindEscaped >> LengthBits) & 0xF);

    /// <summary>Whether the parser found a string to be an ISO-8601 date-time (it checks the timestamp fields only).</summary>
    public bool IsDateTime => (_lengthKindEscaped & DateTimeBit) != 0;

    /// <summary>Whether a string holds backslash escapes (and so must be decoded, not just transcoded).</summary>
    public bool IsEscaped => (_lengthKindEscaped & EscapedBit) != 0;

    /// <summary>The value's raw JSON, quotes included for a string.</summary>
    public ReadOnlySpan<byte> Raw => _json is null ? default : _json.Utf8.AsSpan(_start, _lengthKindEscaped & LengthMask);

    /// <summary>A string's text: its UTF-8 bytes between the quotes, decoded.</summary>
    public string GetString()
    {
        var raw = Raw;
        if (!IsEscaped)
        {
            // The parser checked the bytes are valid UTF-8.
            return Encoding.UTF8.GetString(raw[1..^1]);
        }

        var reader = Reader(raw);
        return reader.GetString()!;
    }

    /// <summary>Whether a string is an ISO-8601 date-time, as <see cref="JsonElement.TryGetDateTimeOffset"/> reads it.</summary>
    public bool TryGetDateTimeOffset(out DateTimeOffset value)
    {
        var reader = Reader(Raw);
        return reader.TryGetDateTimeOffset(out value);
    }

    /// <summary>Whether a string's text is exactly <paramref name="utf8"/> (the message type).</summary>
    public bool ValueEquals(ReadOnlySpan<byte> utf8)
    {
        if (!IsEscaped)
        {
            return Raw[1..^1].SequenceEqual(utf8);
        }

        var reader = Reader(Raw);
        return reader.ValueTextEquals(utf8);
    }

    /// <summary>Whether a string is non-empty: more than its two quotes.</summary>
    public bool IsNonEmptyString => Kind == JsonValueKind.String && (_lengthKindEscaped & LengthMask) > 2;

    /// <summary>Whether an array has no items (<c>[]</c>, maybe with white space inside).</summary>
    public bool IsEmptyArray => Kind == JsonValueKind.Array && Raw[1..^1].Trim(" \t\r\n"u8).IsEmpty;

    /// <summary>The value as a parsed element (its own small document); undefined when absent.</summary>
    public JsonElement ToElement() => Kind switch
    {
        JsonValueKind.Undefined => default,
        // The usual "integrations": {} costs nothing to hand out.
        JsonValueKind.Object when Raw.Length == 2 => EmptyObject,
        _ => EventJson.Parse(Raw),
    };

    private static readonly JsonElement EmptyObject = JsonElement.Parse("{}"u8);

    // Positioned on the value: a string, read on its own.
    private static Utf8JsonReader Reader(ReadOnlySpan<byte> raw)
    {
        var reader = new Utf8JsonReader(raw);
        reader.Read();
        return reader;
    }
}
