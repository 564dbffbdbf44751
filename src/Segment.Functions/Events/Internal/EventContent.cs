using System.Buffers;
using System.Text.Json;

namespace Segment.Functions.Events.Internal;

/// <summary>
/// Equality of events over their JSON content: what <see cref="SegmentEvent.ToJson"/> writes,
/// compared as JSON by <see cref="JsonElement.DeepEquals"/> (object keys in any order, numbers by
/// value, strings by their text). Going through the written JSON is what makes the comparison blind
/// to how a field is held: still unread, read, set in code, or parsed from other bytes.
/// </summary>
internal static class EventContent
{
    // What Utf8JsonWriter allows by default, so whatever an event writes can be read back.
    private static readonly JsonDocumentOptions ReadBack = new() { MaxDepth = 1000 };

    public static bool AreEqual(SegmentEvent left, SegmentEvent right)
    {
        using var leftJson = Write(left);
        using var rightJson = Write(right);
        return JsonElement.DeepEquals(leftJson.RootElement, rightJson.RootElement);
    }

    public static int GetHashCode(SegmentEvent @event)
    {
        using var json = Write(@event);
        return Hash(json.RootElement);
    }

    private static JsonDocument Write(SegmentEvent @event)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            @event.WriteTo(writer);
        }

        return JsonDocument.Parse(buffer.WrittenMemory, ReadBack);
    }

    /// <summary>A hash that agrees with <see cref="JsonElement.DeepEquals"/>: equal JSON, equal hash.</summary>
    private static int Hash(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                // Summed, so that key order does not change it.
                var sum = 0;
                foreach (var property in element.EnumerateObject())
                {
                    sum += HashCode.Combine(StringComparer.Ordinal.GetHashCode(property.Name), Hash(property.Value));
                }

                return HashCode.Combine(JsonValueKind.Object, sum);
            case JsonValueKind.Array:
                var hash = new HashCode();
                hash.Add(JsonValueKind.Array);
                foreach (var item in element.EnumerateArray())
                {
                    hash.Add(Hash(item));
                }

                return hash.ToHashCode();
            case JsonValueKind.String:
                return HashCode.Combine(JsonValueKind.String, StringComparer.Ordinal.GetHashCode(element.GetString()!));
            default:
                // Numbers hash by kind alone: equal values have many spellings (1, 1.0, 1e0), and the
                // strings around them (ids, names, dates) tell events apart well enough.
                return (int)element.ValueKind;
        }
    }
}
