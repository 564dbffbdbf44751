using System.Text.Json;

namespace Segment.Functions.Events.Internal;

/// <summary>
/// The parser's one pass over an event's UTF-8 JSON, with <see cref="Utf8JsonReader"/>: it checks the
/// syntax and the depth limit (the reader's own errors, the same JsonDocument gives), refuses duplicate
/// property names in every object at every depth and escapes that decode to a lone UTF-16 surrogate,
/// and files each top-level field's value as a <see cref="JsonSlice"/> of the bytes (noting which
/// timestamp fields hold an ISO-8601 date-time).
/// </summary>
/// <remarks>
/// Why not <see cref="JsonDocument"/>: building one costs about as much as this whole pass, its
/// duplicate check walks the document a second time, and most of an event is never read (the bags
/// are parsed when, and if, a handler reads them). Invalid UTF-8 is checked before this pass, over
/// the whole input at once, which is faster than per string.
/// </remarks>
internal static class EventJsonScanner
{
    /// <summary>
    /// Reads all of <paramref name="json"/>; fills <paramref name="slots"/> with the top-level fields
    /// when the root is an object. Returns null, or the first duplicate name's error (which wins over a
    /// lone surrogate, as it did when JsonDocument found it), or <see cref="LoneSurrogateError"/>.
    /// </summary>
    /// <exception cref="JsonException">Not JSON, or nested deeper than <paramref name="maxDepth"/>.</exception>
    public static string? Scan(EventJson json, int maxDepth, ref EventFieldSlots slots, out JsonValueKind rootKind)
    {
        var utf8 = json.Utf8.AsSpan();
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = maxDepth });
        var names = PropertyNameSet.Rent();
        string? duplicate = null;
        var loneSurrogate = false;
        rootKind = JsonValueKind.Undefined;

        // The top-level field whose value is being read; for an object or array value, which field it
        // is and where it started (names inside it come between its start and its end).
        var field = EventField.Unknown;
        var containerField = EventField.Unknown;
        var containerStart = 0;

        // The Spec fields met at the top level, one bit per EventField.
        var topLevelFields = 0u;
        try
        {
            while (reader.Read())
            {
                // A token at depth 1 is a top-level name or value, when the root is an object.
                var topLevel = reader.CurrentDepth == 1 && rootKind == JsonValueKind.Object;
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject or JsonTokenType.StartArray:
                        var isObject = reader.TokenType == JsonTokenType.StartObject;
                        if (isObject)
                        {
                            names.StartObject();
                        }

                        if (reader.CurrentDepth == 0)
                        {
                            rootKind = isObject ? JsonValueKind.Object : JsonValueKind.Array;
                        }
                        else if (topLevel)
                        {
                            containerField = field;
                            containerStart = (int)reader.TokenStartIndex;
                        }

                        break;

                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        var endsObject = reader.TokenType == JsonTokenType.EndObject;
                        if (endsObject)
                        {
                            names.EndObject();
                        }

                        if (topLevel)
                        {
                            var kind = endsObject ? JsonValueKind.Object : JsonValueKind.Array;
                            File(ref slots, containerField, new JsonSlice(json, containerStart, (int)reader.BytesConsumed - containerStart, kind, escaped: false));
                        }

                        break;

                    case JsonTokenType.PropertyName:
                        field = ReadName(ref reader, utf8, names, topLevel, ref topLevelFields, ref duplicate, ref loneSurrogate);
                        break;

                    case JsonTokenType.String:
                        var escaped = reader.ValueIsEscaped;
                        if (escaped && HasLoneSurrogateEscape(reader.ValueSpan))
                        {
                            loneSurrogate = true;
                        }

                        if (topLevel && field != EventField.Unknown)
                        {
                            // Timestamps are checked here, on the reader already there, rather than re-read later.
                            var isDateTime = EventFields.Get(field).Kind == EventFieldKind.Timestamp && reader.TryGetDateTimeOffset(out _);
                            File(ref slots, field, new JsonSlice(json, (int)reader.TokenStartIndex, reader.ValueSpan.Length + 2, JsonValueKind.String, escaped, isDateTime));
                        }
                        else if (reader.CurrentDepth == 0)
                        {
                            rootKind = JsonValueKind.String;
                        }

                        break;

                    default:
                        // A number, true, false or null.
                        var valueKind = reader.TokenType switch
                        {
                            JsonTokenType.Number => JsonValueKind.Number,
                            JsonTokenType.True => JsonValueKind.True,
                            JsonTokenType.False => JsonValueKind.False,
                            _ => JsonValueKind.Null,
                        };
                        if (topLevel)
                        {
                            File(ref slots, field, new JsonSlice(json, (int)reader.TokenStartIndex, reader.ValueSpan.Length, valueKind, escaped: false));
                        }
                        else if (reader.CurrentDepth == 0)
                        {
                            rootKind = valueKind;
                        }

                        break;
                }
            }
        }
        finally
        {
            names.Return();
        }

        return duplicate ?? (loneSurrogate ? LoneSurrogateError : null);
    }

    public const string LoneSurrogateError = "Event holds text that cannot be read: a \\u escape is half of a UTF-16 surrogate pair (\\ud800–\\udfff without its other half).";

    private static void File(ref EventFieldSlots slots, EventField field, JsonSlice value)
    {
        if (field != EventField.Unknown)
        {
            slots[(int)field] = value;
        }
    }

    /// <summary>Checks a property name against its object's other names; the top-level field it names, if any.</summary>
    private static EventField ReadName(ref Utf8JsonReader reader, ReadOnlySpan<byte> utf8, PropertyNameSet names, bool topLevel, ref uint topLevelFields, ref string? duplicate, ref bool loneSurrogate)
    {
        var raw = reader.ValueSpan;
        var decoded = reader.ValueIsEscaped;
        ReadOnlySpan<byte> name = raw;
        if (decoded)
        {
            if (HasLoneSurrogateEscape(raw))
            {
                // Undecodable, so it cannot be compared: the event is refused anyway.
                loneSurrogate = true;
                return EventField.Unknown;
            }

            var buffer = names.DecodeBuffer(raw.Length);
            name = buffer[..reader.CopyString(buffer)];
        }

        var field = topLevel ? EventFields.Identify(name) : EventField.Unknown;
        bool added;
        if (field != EventField.Unknown)
        {
            // A Spec field at the top level is its own bit: no name comparison needed.
            var bit = 1u << (int)field;
            added = (topLevelFields & bit) == 0;
            topLevelFields |= bit;
        }
        else
        {
            added = decoded
                ? names.Add(utf8, 0, name.Length, decoded: true)
                : names.Add(utf8, (int)reader.TokenStartIndex + 1, raw.Length, decoded: false);
        }

        if (!added && duplicate is null)
        {
            // The words System.Text.Json uses for the same finding.
            duplicate = $"Event is not valid JSON: Duplicate property '{System.Text.Encoding.UTF8.GetString(name)}' encountered during deserialization.";
        }

        return field;
    }

    /// <summary>
    /// Whether a string's raw bytes (as the reader read them: escapes intact, quotes not included) hold
    /// an escape that decodes to a lone surrogate ("\ud800"). Readers accept those, but reading the
    /// string throws later: in a handler, or in the host while it writes the event's delivery record
    /// (which would then be lost).
    /// </summary>
    internal static bool HasLoneSurrogateEscape(ReadOnlySpan<byte> json)
    {
        // In JSON that parsed, every backslash starts an escape inside a string: \x or \uXXXX.
        for (var i = json.IndexOf((byte)'\\'); i >= 0;)
        {
            var length = 2;
            if (json[i + 1] == (byte)'u')
            {
                length = 6;
                var unit = HexUnit(json.Slice(i + 2, 4));
                if (unit is >= 0xDC00 and <= 0xDFFF)
                {
                    return true;
                }

                if (unit is >= 0xD800 and <= 0xDBFF)
                {
                    if (json.Length < i + 12 || json[i + 6] != (byte)'\\' || json[i + 7] != (byte)'u' || HexUnit(json.Slice(i + 8, 4)) is < 0xDC00 or > 0xDFFF)
                    {
                        return true;
                    }

                    length = 12;
                }
            }

            var next = json[(i + length)..].IndexOf((byte)'\\');
            i = next < 0 ? -1 : i + length + next;
        }

        return false;
    }

    private static int HexUnit(ReadOnlySpan<byte> hex) =>
        System.Buffers.Text.Utf8Parser.TryParse(hex, out ushort unit, out var consumed, 'x') && consumed == 4 ? unit : -1;
}
