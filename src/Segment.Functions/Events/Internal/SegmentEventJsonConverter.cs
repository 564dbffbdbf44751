using System.Text.Json;
using System.Text.Json.Serialization;

namespace Segment.Functions.Events.Internal;

/// <summary>
/// Lets <see cref="JsonSerializer"/> read and write every event type with the Spec's field names,
/// keeping unknown fields. Attached to the event types; there is nothing to register.
/// </summary>
internal sealed class SegmentEventJsonConverter : JsonConverterFactory
{
    /// <inheritdoc/>
    public override bool CanConvert(Type typeToConvert) => typeof(SegmentEvent).IsAssignableFrom(typeToConvert);

    /// <inheritdoc/>
    public override JsonConverter? CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
        // Once per type and options instance (the serializer caches converters), so reflection here is fine.
        (JsonConverter)Activator.CreateInstance(typeof(EventConverter<>).MakeGenericType(typeToConvert))!;

    private sealed class EventConverter<TEvent> : JsonConverter<TEvent>
        where TEvent : SegmentEvent
    {
        public override TEvent Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            // The value's bytes, through the same checks as any other event (size, UTF-8, duplicate names, …).
            var element = JsonElement.ParseValue(ref reader);
            var @event = SegmentEventParser.ParseEvent(System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(element), EventParseOptions.Default).GetEventOrThrow();
            return @event as TEvent
                ?? throw new InvalidEventPayload($"Expected a {typeof(TEvent).Name}, but the JSON is a {@event.Type} event.");
        }

        public override void Write(Utf8JsonWriter writer, TEvent value, JsonSerializerOptions options) => value.WriteTo(writer);
    }
}
