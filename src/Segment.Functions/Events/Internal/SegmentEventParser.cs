using System.Buffers;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace Segment.Functions.Events.Internal;

/// <summary>
/// Turns UTF-8 JSON into the right <see cref="SegmentEvent"/> record with one parse: the bytes become
/// one non-pooled <see cref="JsonDocument"/> the event owns, one pass over its top-level properties
/// files each known field, and the record keeps the parsed elements (see <see cref="EventFieldValue"/>).
/// Lenient with the quirks real SDKs send, strict with anything that is not a Segment message.
/// </summary>
internal static class SegmentEventParser
{
    private const string KnownTypes = "identify, track, page, screen, group, alias, delete";

    public static EventParseResult ParseEvent(ReadOnlySpan<byte> utf8Json, EventParseOptions options)
    {
        utf8Json = SkipByteOrderMark(utf8Json);
        if (utf8Json.Length > options.MaxEventBytes)
        {
            return EventParseResult.Failure(
                $"Event is {utf8Json.Length} bytes, over the limit of {options.MaxEventBytes} bytes (EventParseOptions.MaxEventBytes).");
        }

        return TryParseJson(utf8Json, options.MaxDepth, out var root, out var error)
            ? FromElement(root)
            : EventParseResult.Failure(error);
    }

    /// <summary>Parses a JSON array of events; one result per item, in order.</summary>
    public static IReadOnlyList<EventParseResult> ParseArray(ReadOnlySpan<byte> utf8Json, EventParseOptions options)
    {
        utf8Json = SkipByteOrderMark(utf8Json);
        if (!System.Text.Unicode.Utf8.IsValid(utf8Json))
        {
            throw new InvalidEventPayload("Event is not valid UTF-8.");
        }

        var rented = ArrayPool<byte>.Shared.Rent(Math.Max(utf8Json.Length, 1));
        try
        {
            utf8Json.CopyTo(rented);
            // The array adds one level of nesting above each event.
            using var document = JsonDocument.Parse(rented.AsMemory(0, utf8Json.Length), new JsonDocumentOptions { MaxDepth = options.MaxDepth + 1, AllowDuplicateProperties = false });
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Array)
            {
                throw new InvalidEventPayload($"A batch must be a JSON array of events, not {Describe(root.ValueKind)}.");
            }

            var results = new List<EventParseResult>(root.GetArrayLength());
            foreach (var item in root.EnumerateArray())
            {
                var size = JsonMarshal.GetRawUtf8Value(item).Length;
                // Each event owns a copy of its own bytes only: one that waits hours for a retry
                // does not keep the whole request alive.
                results.Add(size > options.MaxEventBytes
                    ? EventParseResult.Failure($"Event is {size} bytes, over the limit of {options.MaxEventBytes} bytes (EventParseOptions.MaxEventBytes).")
                    : HasLoneSurrogateEscape(JsonMarshal.GetRawUtf8Value(item)) ? EventParseResult.Failure(LoneSurrogateError)
                    : FromElement(item.Clone()));
            }

            return results;
        }
        catch (JsonException e)
        {
            throw new InvalidEventPayload($"Event is not valid JSON: {e.Message}");
        }
        catch (InvalidOperationException e)
        {
            // A name that decodes to no valid text (a lone surrogate), met while checking for duplicate names.
            throw new InvalidEventPayload($"Event holds text that cannot be read: {e.Message}");
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    public static EventParseResult FromElement(JsonElement root)
    {
        try
        {
            return Read(root);
        }
        catch (InvalidOperationException e)
        {
            // An escape that decodes to no valid text, such as a lone surrogate "\ud800".
            return EventParseResult.Failure($"Event holds text that cannot be read: {e.Message}");
        }
    }

    private static EventParseResult Read(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            var hint = root.ValueKind == JsonValueKind.Array ? " (a JSON array is a batch: send it through the batch entry point)" : "";
            return EventParseResult.Failure($"An event must be a JSON object, not {Describe(root.ValueKind)}{hint}.");
        }

        var slots = default(EventFieldSlots);
        foreach (var property in root.EnumerateObject())
        {
            var field = SegmentEvent.Identify(property);
            if (field != EventField.Unknown)
            {
                slots[(int)field] = property.Value;
            }
        }

        var type = slots[(int)EventField.Type];
        if (type.ValueKind == JsonValueKind.Undefined)
        {
            return EventParseResult.Failure($"Event has no \"type\"; expected one of: {KnownTypes}.");
        }

        if (type.ValueKind != JsonValueKind.String)
        {
            return EventParseResult.Failure($"\"type\" must be a string, not {Describe(type.ValueKind)}; expected one of: {KnownTypes}.");
        }

        SegmentEvent? @event = type.ValueEquals("track"u8) ? new TrackEvent()
            : type.ValueEquals("identify"u8) ? new IdentifyEvent()
            : type.ValueEquals("page"u8) ? new PageEvent()
            : type.ValueEquals("screen"u8) ? new ScreenEvent()
            : type.ValueEquals("group"u8) ? new GroupEvent()
            : type.ValueEquals("alias"u8) ? new AliasEvent()
            : type.ValueEquals("delete"u8) ? new DeleteEvent()
            : null;

        if (@event is null)
        {
            return EventParseResult.Failure($"\"type\" {Quote(type.GetString())} is not a Segment message type; expected one of: {KnownTypes}.");
        }

        var error = ReadFields(ref slots, @event);
        if (error is not null)
        {
            return EventParseResult.Failure(error);
        }

        if (@event is not DeleteEvent && !HasText(slots[(int)EventField.UserId], allowNumber: true) && !HasText(slots[(int)EventField.AnonymousId], allowNumber: true))
        {
            return EventParseResult.Failure($"A {@event.Type} event needs a \"userId\" or an \"anonymousId\"; it has neither.");
        }

        @event._root = root;
        return EventParseResult.Success(@event);
    }

    /// <summary>Checks and files every field the event's type carries, by the field table; the first problem found, or null.</summary>
    private static string? ReadFields(ref EventFieldSlots slots, SegmentEvent @event)
    {
        var type = @event.MessageType;
        foreach (var field in EventFields.All)
        {
            if (field.Kind == EventFieldKind.MessageType || !field.IsCarriedBy(type))
            {
                continue;
            }

            var element = slots[(int)field.Field];
            if (field.RequiredError is not null && !HasText(element, allowNumber: field.Kind == EventFieldKind.Id))
            {
                return field.RequiredError;
            }

            if (element.ValueKind == JsonValueKind.Undefined)
            {
                continue;
            }

            var error = Check(field, element);
            if (error is not null)
            {
                return error;
            }

            @event._fields[field.Slot] = EventFieldValue.FromJson(element);
        }

        return null;
    }

    /// <summary>Whether a present element is what the field accepts; why not, or null.</summary>
    private static string? Check(EventFieldInfo field, JsonElement element) => (field.Kind, element.ValueKind) switch
    {
        (_, JsonValueKind.Null) => null,
        (EventFieldKind.Text or EventFieldKind.Id, JsonValueKind.String) => null,
        (EventFieldKind.Id, JsonValueKind.Number) => null,
        (EventFieldKind.Text or EventFieldKind.Id, _) => $"\"{field.Name}\" must be a string, not {Describe(element.ValueKind)}.",
        // Checked now, though read only when asked: a bad timestamp must be a parse error, not a surprise inside a handler.
        (EventFieldKind.Timestamp, JsonValueKind.String) => element.TryGetDateTimeOffset(out _)
            ? null
            : $"\"{field.Name}\" is not an ISO-8601 date-time: {Quote(element.GetString())}.",
        (EventFieldKind.Timestamp, _) => $"\"{field.Name}\" must be an ISO-8601 date-time string, not {Describe(element.ValueKind)}.",
        (EventFieldKind.Object, JsonValueKind.Object) => null,
        // An empty array stands for an empty object in real payloads (delete messages).
        (EventFieldKind.Object, JsonValueKind.Array) when element.GetArrayLength() == 0 => null,
        (EventFieldKind.Object, _) => $"\"{field.Name}\" must be an object, not {Describe(element.ValueKind)}.",
        _ => throw new InvalidOperationException($"Field \"{field.Name}\" of kind {field.Kind} is not read from JSON."),
    };

    private static bool HasText(JsonElement element, bool allowNumber) => element.ValueKind switch
    {
        // The raw value includes the quotes: more than two bytes means a non-empty string.
        JsonValueKind.String => JsonMarshal.GetRawUtf8Value(element).Length > 2,
        JsonValueKind.Number => allowNumber,
        _ => false,
    };

    private static bool TryParseJson(ReadOnlySpan<byte> utf8Json, int maxDepth, out JsonElement root, out string error)
    {
        // JsonDocument does not check the bytes inside strings; invalid UTF-8 would otherwise
        // surface later, as an InvalidOperationException from whoever reads that string.
        if (!System.Text.Unicode.Utf8.IsValid(utf8Json))
        {
            root = default;
            error = "Event is not valid UTF-8.";
            return false;
        }

        var rented = ArrayPool<byte>.Shared.Rent(Math.Max(utf8Json.Length, 1));
        try
        {
            utf8Json.CopyTo(rented);
            // One parse into pooled buffers, then Clone copies the parsed bytes and metadata into
            // exact-size arrays the event owns: no second parse, nothing to dispose, and the event
            // stays valid for as long as it is referenced.
            // Duplicate names are refused: a bag holding one throws from JsonObject when a handler reads it.
            using var document = JsonDocument.Parse(rented.AsMemory(0, utf8Json.Length), new JsonDocumentOptions { MaxDepth = maxDepth, AllowDuplicateProperties = false });
            if (HasLoneSurrogateEscape(utf8Json))
            {
                root = default;
                error = LoneSurrogateError;
                return false;
            }

            root = document.RootElement.Clone();
            error = "";
            return true;
        }
        catch (JsonException e)
        {
            root = default;
            error = $"Event is not valid JSON: {e.Message}";
            return false;
        }
        catch (InvalidOperationException e)
        {
            // A name that decodes to no valid text (a lone surrogate), met while checking for duplicate names.
            root = default;
            error = $"Event holds text that cannot be read: {e.Message}";
            return false;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private const string LoneSurrogateError = "Event holds text that cannot be read: a \\u escape is half of a UTF-16 surrogate pair (\\ud800–\\udfff without its other half).";

    /// <summary>
    /// Whether JSON that already parsed holds an escape that decodes to a lone surrogate ("\ud800").
    /// JsonDocument accepts those, but reading the string throws later: in a handler, or in the host
    /// while it writes the event's delivery record (which would then be lost).
    /// </summary>
    private static bool HasLoneSurrogateEscape(ReadOnlySpan<byte> json)
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

    private static ReadOnlySpan<byte> SkipByteOrderMark(ReadOnlySpan<byte> utf8Json) =>
        utf8Json.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? utf8Json[3..] : utf8Json;

    internal static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };

    internal static string Quote(string? text)
    {
        const int max = 64;
        text ??= "";
        return text.Length <= max ? $"\"{text}\"" : $"\"{text[..max]}…\" ({text.Length} characters)";
    }
}
