using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Segment.Functions.Events.Internal;

/// <summary>
/// A free-form bag of an event (<c>properties</c>, <c>traits</c>, <c>context</c>, <c>integrations</c>):
/// a <see cref="JsonObject"/> made from the parsed element only when someone asks for it.
/// </summary>
internal struct LazyObject
{
    private JsonElement _source;
    private JsonObject? _value;
    private bool _assigned;

    public static LazyObject FromJson(JsonElement source) => new() { _source = source };

    public static LazyObject FromValue(JsonObject? value) => new() { _value = value ?? [], _assigned = true };

    /// <summary>The parsed element the bag comes from (undefined when it was absent or set in code).</summary>
    public readonly JsonElement Source => _source;

    /// <summary>The bag as an object if one was made already (set in code, or read); null while it is still only JSON.</summary>
    public readonly JsonObject? Materialized => Volatile.Read(ref Unsafe.AsRef(in _value));

    /// <summary>A copy with a bag of its own: a deep copy of the object if one was made, else made from the parsed element when read.</summary>
    public readonly LazyObject Detached() =>
        new() { _source = _source, _value = (JsonObject?)Materialized?.DeepClone(), _assigned = _assigned };

    public JsonObject Get()
    {
        var value = Volatile.Read(ref _value);
        if (value is not null)
        {
            return value;
        }

        // `[]` (seen on delete messages) and null both mean "empty".
        var created = _source.ValueKind == JsonValueKind.Object ? JsonObject.Create(_source)! : [];
        // Two threads may race here; both must end up holding the same object.
        return Interlocked.CompareExchange(ref _value, created, null) ?? created;
    }

    public void Write(Utf8JsonWriter writer, JsonEncodedText name)
    {
        var value = Volatile.Read(ref _value);
        // Reading a bag that was absent, null or [] makes an empty object; that read alone must not
        // change what is written back. A bag set in code, changed, or parsed as an object is written.
        if (value is not null && (_assigned || value.Count > 0 || _source.ValueKind == JsonValueKind.Object))
        {
            writer.WritePropertyName(name);
            value.WriteTo(writer);
        }
        else if (_source.ValueKind != JsonValueKind.Undefined)
        {
            writer.WritePropertyName(name);
            RawJson.Write(writer, _source);
        }
    }
}
