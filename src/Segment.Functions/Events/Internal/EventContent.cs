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

    /// <summary>
    /// A hash that agrees with <see cref="JsonElement.DeepEquals"/> (equal JSON, equal hash), from the
    /// top level only: the names, and the text of string values (type, ids, dates, names). Nested
    /// values count by kind alone, which keeps the hash cheap; events rarely differ only inside a bag.
    /// </summary>
    private static int Hash(JsonElement root)
    {
        // Summed, so that key order does not change it.
        var sum = 0;
        foreach (var property in root.EnumerateObject())
        {
            var value = property.Value;
            // Numbers hash by kind alone too: equal values have many spellings (1, 1.0, 1e0).
            var valueHash = value.ValueKind == JsonValueKind.String
                ? StringComparer.Ordinal.GetHashCode(value.GetString()!)
                : (int)value.ValueKind;
            sum += HashCode.Combine(StringComparer.Ordinal.GetHashCode(property.Name), valueHash);
        }

        return sum;
    }
}
