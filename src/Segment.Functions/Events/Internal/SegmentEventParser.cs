using System.Buffers;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace Segment.Functions.Events.Internal;

/// <summary>
/// Turns UTF-8 JSON into the right <see cref="SegmentEvent"/> record with one pass over the bytes
/// (<see cref="EventJsonScanner"/>): the event owns one copy of its JSON (<see cref="EventJson"/>), and
/// the record keeps slices of it (see <see cref="EventFieldValue"/>), read when asked for.
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

        // The reader does not check the bytes inside strings; invalid UTF-8 would otherwise surface
        // later, as an InvalidOperationException from whoever reads that string.
        if (!System.Text.Unicode.Utf8.IsValid(utf8Json))
        {
            return EventParseResult.Failure("Event is not valid UTF-8.");
        }

        return Parse(new EventJson(utf8Json.ToArray()), options.MaxDepth);
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
                    : FromUtf8(JsonMarshal.GetRawUtf8Value(item), options.MaxDepth));
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

    /// <summary>
    /// One event from JSON that is known to be valid UTF-8 (an item of a batch, a value the serializer
    /// read); the event gets its own copy of the bytes.
    /// </summary>
    public static EventParseResult FromUtf8(ReadOnlySpan<byte> checkedUtf8, int maxDepth) =>
        Parse(new EventJson(checkedUtf8.ToArray()), maxDepth);

    private static EventParseResult Parse(EventJson json, int maxDepth)
    {
        var slots = default(EventFieldSlots);
        string? error;
        JsonValueKind rootKind;
        try
        {
            error = EventJsonScanner.Scan(json, maxDepth, ref slots, out rootKind);
        }
        catch (JsonException e)
        {
            return EventParseResult.Failure($"Event is not valid JSON: {e.Message}");
        }

        if (error is not null)
        {
            return EventParseResult.Failure(error);
        }

        if (rootKind != JsonValueKind.Object)
        {
            var hint = rootKind == JsonValueKind.Array ? " (a JSON array is a batch: send it through the batch entry point)" : "";
            return EventParseResult.Failure($"An event must be a JSON object, not {Describe(rootKind)}{hint}.");
        }

        var type = slots[(int)EventField.Type];
        if (type.Kind == JsonValueKind.Undefined)
        {
            return EventParseResult.Failure($"Event has no \"type\"; expected one of: {KnownTypes}.");
        }

        if (type.Kind != JsonValueKind.String)
        {
            return EventParseResult.Failure($"\"type\" must be a string, not {Describe(type.Kind)}; expected one of: {KnownTypes}.");
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

        error = ReadFields(ref slots, @event);
        if (error is not null)
        {
            return EventParseResult.Failure(error);
        }

        if (@event is not DeleteEvent && !HasText(slots[(int)EventField.UserId], allowNumber: true) && !HasText(slots[(int)EventField.AnonymousId], allowNumber: true))
        {
            return EventParseResult.Failure($"A {@event.Type} event needs a \"userId\" or an \"anonymousId\"; it has neither.");
        }

        @event._json = json;
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

            if (element.Kind == JsonValueKind.Undefined)
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

    /// <summary>Whether a present value is what the field accepts; why not, or null.</summary>
    private static string? Check(EventFieldInfo field, JsonSlice value) => (field.Kind, value.Kind) switch
    {
        (_, JsonValueKind.Null) => null,
        (EventFieldKind.Text or EventFieldKind.Id, JsonValueKind.String) => null,
        (EventFieldKind.Id, JsonValueKind.Number) => null,
        (EventFieldKind.Text or EventFieldKind.Id, _) => $"\"{field.Name}\" must be a string, not {Describe(value.Kind)}.",
        // Checked now, though read only when asked: a bad timestamp must be a parse error, not a surprise inside a handler.
        (EventFieldKind.Timestamp, JsonValueKind.String) => value.IsDateTime
            ? null
            : $"\"{field.Name}\" is not an ISO-8601 date-time: {Quote(value.GetString())}.",
        (EventFieldKind.Timestamp, _) => $"\"{field.Name}\" must be an ISO-8601 date-time string, not {Describe(value.Kind)}.",
        (EventFieldKind.Object, JsonValueKind.Object) => null,
        // An empty array stands for an empty object in real payloads (delete messages).
        (EventFieldKind.Object, JsonValueKind.Array) when value.IsEmptyArray => null,
        (EventFieldKind.Object, _) => $"\"{field.Name}\" must be an object, not {Describe(value.Kind)}.",
        _ => throw new InvalidOperationException($"Field \"{field.Name}\" of kind {field.Kind} is not read from JSON."),
    };

    private static bool HasText(JsonSlice value, bool allowNumber) => value.Kind switch
    {
        JsonValueKind.String => value.IsNonEmptyString,
        JsonValueKind.Number => allowNumber,
        _ => false,
    };

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
