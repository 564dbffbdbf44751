using System.Text.Json;

namespace Segment.Functions.Events.Internal;

/// <summary>
/// A string field of an event that is either read from the parsed JSON on first use or set in code.
/// Keeping the parsed element means an event nobody reads costs no string allocation, and an
/// untouched field serializes back byte for byte.
/// </summary>
internal struct LazyString
{
    private JsonElement _source;
    private string? _value;
    // Written after _value, so a reader that sees true also sees the value (safe publication).
    private volatile bool _resolved;

    public static LazyString FromJson(JsonElement source) => new() { _source = source };

    public static LazyString FromValue(string? value) => new() { _value = value, _resolved = true };

    /// <summary>
    /// A copy that is safe to take while another thread reads this field: a parsed field starts over
    /// from its (immutable) element, so the copy never holds half of a value being resolved.
    /// </summary>
    public readonly LazyString Detached() => HasSource ? FromJson(_source) : this;

    /// <summary>Whether the field came from the parsed JSON (so it is written back as it was).</summary>
    public readonly bool HasSource => _source.ValueKind != JsonValueKind.Undefined;

    public string? Get()
    {
        if (_resolved)
        {
            return _value;
        }

        var value = _source.ValueKind switch
        {
            JsonValueKind.String => _source.GetString(),
            // Ids sent as numbers by some SDKs, and "version": 2, read as their JSON text.
            JsonValueKind.Number => _source.GetRawText(),
            _ => null,
        };
        _value = value;
        _resolved = true;
        return value;
    }

    public void Write(Utf8JsonWriter writer, JsonEncodedText name)
    {
        if (HasSource)
        {
            writer.WritePropertyName(name);
            RawJson.Write(writer, _source);
        }
        else if (_value is not null)
        {
            writer.WriteString(name, _value);
        }
    }
}
