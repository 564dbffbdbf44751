using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Segment.Functions.Events.Internal;

namespace Segment.Functions;

/// <summary>
/// A Segment message: the fields every type shares. The concrete records are <see cref="TrackEvent"/>,
/// <see cref="IdentifyEvent"/>, <see cref="PageEvent"/>, <see cref="ScreenEvent"/>, <see cref="GroupEvent"/>,
/// <see cref="AliasEvent"/> and <see cref="DeleteEvent"/>.
/// </summary>
/// <remarks>
/// <para>
/// An event made by <see cref="Parse(ReadOnlySpan{byte}, EventParseOptions?)"/> is a view over one
/// parse of its JSON: string fields and the bags (<see cref="Context"/>, <see cref="Integrations"/>,
/// <c>Properties</c>, <c>Traits</c>) are materialized the first time they are read. The event owns a
/// copy of its JSON, so it stays valid for as long as it is referenced.
/// </para>
/// <para>
/// Fields the Spec does not name are kept in <see cref="AdditionalFields"/> and written back on
/// serialization, so a parse → serialize round trip loses nothing. Serialize with
/// <see cref="JsonSerializer"/> as usual (a converter is attached to every event type).
/// </para>
/// <para>
/// Events are safe to read from several threads. The bags are mutable <see cref="JsonObject"/>s:
/// code that changes one changes it for everyone holding the event. Handlers are the exception:
/// each invocation gets its own copy, so what a handler changes is seen by no other destination,
/// no later attempt and not the sender.
/// </para>
/// <para>
/// Events compare by value, over their JSON content (see <see cref="Equals(SegmentEvent?)"/>): two
/// parses of the same JSON are equal, and reading a field never changes equality.
/// </para>
/// </remarks>
[JsonConverter(typeof(SegmentEventJsonConverter))]
public abstract record SegmentEvent
{
    // Every Spec field's value, at the slot the field table (EventFields) gives it.
    internal EventFieldValues _fields;

    // The JSON this event was parsed from (null when built in code); the source of AdditionalFields.
    internal EventJson? _json;
    private JsonObject? _additionalFields;

    private protected SegmentEvent()
    {
    }

    /// <summary>The Spec's <c>type</c> value: <c>"track"</c>, <c>"identify"</c>, …</summary>
    public abstract string Type { get; }

    /// <summary>The message type as an enum, for switches.</summary>
    public abstract SegmentEventType MessageType { get; }

    /// <summary><c>messageId</c>: unique id of the message, used to de-duplicate.</summary>
    public string? MessageId { get => Field(EventField.MessageId).GetText(); init => Field(EventField.MessageId) = EventFieldValue.FromText(value); }

    /// <summary><c>userId</c>: your database's id of the user.</summary>
    public string? UserId { get => Field(EventField.UserId).GetText(); init => Field(EventField.UserId) = EventFieldValue.FromText(value); }

    /// <summary><c>anonymousId</c>: a pseudo-unique id used before the user is known.</summary>
    public string? AnonymousId { get => Field(EventField.AnonymousId).GetText(); init => Field(EventField.AnonymousId) = EventFieldValue.FromText(value); }

    /// <summary><c>timestamp</c>: when the event happened, corrected for client clock skew.</summary>
    public DateTimeOffset? Timestamp { get => Field(EventField.Timestamp).GetTimestamp(); init => Field(EventField.Timestamp) = EventFieldValue.FromTimestamp(value); }

    /// <summary><c>originalTimestamp</c>: the client's own time when the event happened.</summary>
    public DateTimeOffset? OriginalTimestamp { get => Field(EventField.OriginalTimestamp).GetTimestamp(); init => Field(EventField.OriginalTimestamp) = EventFieldValue.FromTimestamp(value); }

    /// <summary><c>sentAt</c>: when the client sent the message.</summary>
    public DateTimeOffset? SentAt { get => Field(EventField.SentAt).GetTimestamp(); init => Field(EventField.SentAt) = EventFieldValue.FromTimestamp(value); }

    /// <summary><c>receivedAt</c>: when the server received the message.</summary>
    public DateTimeOffset? ReceivedAt { get => Field(EventField.ReceivedAt).GetTimestamp(); init => Field(EventField.ReceivedAt) = EventFieldValue.FromTimestamp(value); }

    /// <summary><c>context</c>: ip, library, page, device, … Never null; empty when absent.</summary>
    public JsonObject Context { get => Field(EventField.Context).GetObject(); init => Field(EventField.Context) = EventFieldValue.FromObject(value); }

    /// <summary><c>integrations</c>: which destinations the message goes to. Never null; empty when absent.</summary>
    public JsonObject Integrations { get => Field(EventField.Integrations).GetObject(); init => Field(EventField.Integrations) = EventFieldValue.FromObject(value); }

    /// <summary><c>channel</c>: <c>server</c>, <c>browser</c>, <c>mobile</c>, …</summary>
    public string? Channel { get => Field(EventField.Channel).GetText(); init => Field(EventField.Channel) = EventFieldValue.FromText(value); }

    /// <summary><c>version</c>: the Spec version; sent as a number or a string, read as text.</summary>
    public string? Version { get => Field(EventField.Version).GetText(); init => Field(EventField.Version) = EventFieldValue.FromText(value); }

    /// <summary><c>writeKey</c>: the source's write key. Drop it before forwarding to another source.</summary>
    public string? WriteKey { get => Field(EventField.WriteKey).GetText(); init => Field(EventField.WriteKey) = EventFieldValue.FromText(value); }

    /// <summary>
    /// Writes the common fields for <see cref="object.ToString"/>. The write key is a credential: it is
    /// shown as <c>***</c>, never as its value (an event's text often ends up in logs).
    /// </summary>
    /// <param name="builder">The text being built.</param>
    /// <returns>True: members were written.</returns>
    protected virtual bool PrintMembers(System.Text.StringBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Append("Type = ").Append(Type)
            .Append(", MessageId = ").Append(MessageId)
            .Append(", UserId = ").Append(UserId)
            .Append(", AnonymousId = ").Append(AnonymousId)
            .Append(", Timestamp = ").Append(Timestamp?.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        if (WriteKey is not null)
        {
            builder.Append(", WriteKey = ***");
        }

        return true;
    }

    /// <summary>Top-level fields the Segment Spec does not name, kept for the round trip. Never null.</summary>
    public JsonObject AdditionalFields
    {
        get
        {
            var value = Volatile.Read(ref _additionalFields);
            if (value is not null)
            {
                return value;
            }

            var created = ReadAdditionalFields();
            return Interlocked.CompareExchange(ref _additionalFields, created, null) ?? created;
        }
        init => _additionalFields = value ?? [];
    }

    /// <summary>Parses one event from UTF-8 JSON with the default limits.</summary>
    /// <param name="utf8Json">The event's JSON; copied, so the caller may reuse the buffer.</param>
    /// <returns>The record matching the event's <c>type</c>.</returns>
    /// <exception cref="InvalidEventPayload">The input is not a valid Segment event; the message says why.</exception>
    public static SegmentEvent Parse(ReadOnlySpan<byte> utf8Json) => Parse(utf8Json, options: null);

    /// <summary>Parses one event from UTF-8 JSON.</summary>
    /// <param name="utf8Json">The event's JSON; copied, so the caller may reuse the buffer.</param>
    /// <param name="options">Limits; <see cref="EventParseOptions.Default"/> when null.</param>
    /// <returns>The record matching the event's <c>type</c>.</returns>
    /// <exception cref="InvalidEventPayload">The input is not a valid Segment event; the message says why.</exception>
    public static SegmentEvent Parse(ReadOnlySpan<byte> utf8Json, EventParseOptions? options) =>
        SegmentEventParser.ParseEvent(utf8Json, options ?? EventParseOptions.Default).GetEventOrThrow();

    /// <summary>Parses one event from a JSON string with the default limits.</summary>
    /// <inheritdoc cref="Parse(ReadOnlySpan{byte})"/>
    public static SegmentEvent Parse(string json) => Parse(json, options: null);

    /// <summary>Parses one event from a JSON string.</summary>
    /// <inheritdoc cref="Parse(ReadOnlySpan{byte}, EventParseOptions?)"/>
    public static SegmentEvent Parse(string json, EventParseOptions? options)
    {
        ArgumentNullException.ThrowIfNull(json);
        return Parse(System.Text.Encoding.UTF8.GetBytes(json), options);
    }

    /// <summary>Reads one event from a stream of UTF-8 JSON, reading no more than the size limit allows.</summary>
    /// <param name="utf8Json">The stream; read to its end.</param>
    /// <param name="options">Limits; <see cref="EventParseOptions.Default"/> when null.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <exception cref="InvalidEventPayload">The input is not a valid Segment event, or larger than the limit.</exception>
    public static async Task<SegmentEvent> ParseAsync(Stream utf8Json, EventParseOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(utf8Json);
        options ??= EventParseOptions.Default;
        var bytes = await BoundedStreamReader.ReadAsync(utf8Json, options.MaxEventBytes, cancellationToken).ConfigureAwait(false);
        return Parse(bytes.Span, options);
    }

    /// <summary>Parses a JSON array of events (the batch form, as the editor's manual mode takes it) with the default limits.</summary>
    /// <param name="utf8Json">A JSON array whose items are events.</param>
    /// <exception cref="InvalidEventPayload">The input is not an array, or an item is invalid (the message names its index).</exception>
    public static IReadOnlyList<SegmentEvent> ParseBatch(ReadOnlySpan<byte> utf8Json) => ParseBatch(utf8Json, options: null);

    /// <summary>Parses a JSON array of events (the batch form, as the editor's manual mode takes it).</summary>
    /// <param name="utf8Json">A JSON array whose items are events.</param>
    /// <param name="options">Limits, applied to each item; <see cref="EventParseOptions.Default"/> when null.</param>
    /// <exception cref="InvalidEventPayload">The input is not an array, or an item is invalid (the message names its index).</exception>
    public static IReadOnlyList<SegmentEvent> ParseBatch(ReadOnlySpan<byte> utf8Json, EventParseOptions? options)
    {
        var results = SegmentEventParser.ParseArray(utf8Json, options ?? EventParseOptions.Default);
        var events = new SegmentEvent[results.Count];
        for (var i = 0; i < events.Length; i++)
        {
            events[i] = results[i].Event ?? throw new InvalidEventPayload($"Event [{i}] of the batch: {results[i].Error}");
        }

        return events;
    }

    /// <summary>
    /// The copy one handler invocation gets: the same fields, bags of its own. Bags nobody has read
    /// cost nothing to copy: they are made from the parsed JSON when read.
    /// </summary>
    /// <summary>
    /// This event as it was parsed, whatever a handler did to this instance since: parsed again from
    /// the bytes it keeps (an event built in code has none, and gets a <see cref="CopyForHandler"/>).
    /// </summary>
    internal SegmentEvent Reparsed(EventParseOptions options) =>
        _json is { } json && Events.Internal.SegmentEventParser.ParseEvent(json.Utf8, options).Event is { } fresh ? fresh : CopyForHandler();

    internal SegmentEvent CopyForHandler()
    {
        var copy = this with { };
        copy.DetachFields();
        return copy;
    }

    /// <summary>Gives this copy its own bags (see <see cref="CopyForHandler"/>).</summary>
    private void DetachFields()
    {
        foreach (ref var value in _fields)
        {
            value = value.Detached();
        }

        _additionalFields = (JsonObject?)Volatile.Read(ref _additionalFields)?.DeepClone();
    }

    /// <summary>
    /// Whether <paramref name="other"/> is the same message: the same type, and JSON content that is
    /// equal as JSON. The content is what <see cref="ToJson"/> writes (every field, including
    /// <see cref="AdditionalFields"/>); key order does not matter, in the event or in its bags;
    /// numbers compare by value (<c>1</c> equals <c>1.0</c>); strings by their text; arrays in order;
    /// a field that is <c>null</c> in the JSON differs from an absent one, <c>"userId": 42</c> from
    /// <c>"userId": "42"</c>, and a timestamp from the same instant written with another offset.
    /// </summary>
    /// <param name="other">The event to compare with.</param>
    /// <returns>True when both events have the same JSON content.</returns>
    /// <remarks>
    /// Two parses of the same JSON are equal, so are an event and its <c>with { }</c> copy, and an
    /// event built in code and the parse of its JSON; reading fields changes nothing. The bags are
    /// mutable: changing one changes equality and <see cref="GetHashCode"/>, so do not change an event
    /// while it is a key in a set or dictionary. Comparing writes both events' JSON: its cost grows
    /// with their size.
    /// </remarks>
    public virtual bool Equals(SegmentEvent? other) =>
        ReferenceEquals(this, other)
        || (other is not null && EqualityContract == other.EqualityContract && EventContent.AreEqual(this, other));

    /// <summary>A hash of the event's JSON content, consistent with <see cref="Equals(SegmentEvent?)"/>.</summary>
    /// <returns>Equal for equal events.</returns>
    public override int GetHashCode() => EventContent.GetHashCode(this);

    /// <summary>
    /// A copy to send on to another Segment source (SPEC §9): the same event without
    /// <c>messageId</c> and <c>writeKey</c>, so the receiving source gives it its own.
    /// </summary>
    public SegmentEvent ForForwarding() => this with { MessageId = null, WriteKey = null };

    /// <summary>Serializes the event to JSON text, with every field it was parsed with.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, typeof(SegmentEvent));

    /// <summary>The value of one of this type's fields, in place. Only for fields the type carries: fields of different types share slots.</summary>
    internal ref EventFieldValue Field(EventField field) => ref _fields[EventFields.Get(field).Slot];

    /// <summary>Whether a top-level field belongs to this message type (and so is not an additional field).</summary>
    internal bool OwnsField(EventField field) => EventFields.IsCarriedBy(field, MessageType);

    /// <summary>
    /// The event's UTF-8 JSON, to store: the bytes it was parsed from when <paramref name="untouched"/>
    /// (nothing could have changed it since: the host parsed it and nobody else holds it), else written
    /// from its fields now.
    /// </summary>
    internal byte[] ToUtf8(bool untouched)
    {
        if (untouched && _json is { } json)
        {
            return json.Utf8;
        }

        var buffer = new System.Buffers.ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteTo(writer);
        }

        return buffer.WrittenSpan.ToArray();
    }

    internal void WriteTo(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        var type = MessageType;
        foreach (var field in EventFields.All)
        {
            if (field.Kind == EventFieldKind.MessageType)
            {
                writer.WriteString(field.EncodedName, Type);
            }
            else if (field.IsCarriedBy(type))
            {
                _fields[field.Slot].Write(writer, field.EncodedName);
            }
        }

        WriteAdditionalFields(writer);
        writer.WriteEndObject();
    }

    private void WriteAdditionalFields(Utf8JsonWriter writer)
    {
        var materialized = Volatile.Read(ref _additionalFields);
        if (materialized is not null)
        {
            foreach (var (name, value) in materialized)
            {
                writer.WritePropertyName(name);
                if (value is null)
                {
                    writer.WriteNullValue();
                }
                else
                {
                    value.WriteTo(writer);
                }
            }

            return;
        }

        if (_json is null)
        {
            return;
        }

        foreach (var property in _json.Root.EnumerateObject())
        {
            if (!OwnsField(Identify(property)))
            {
                var rawName = JsonMarshal.GetRawUtf8PropertyName(property);
                // A name with escapes is written from its decoded text, or the writer would escape it twice.
                if (rawName.IndexOf((byte)'\\') < 0)
                {
                    writer.WritePropertyName(rawName);
                }
                else
                {
                    writer.WritePropertyName(property.Name);
                }

                RawJson.Write(writer, property.Value);
            }
        }
    }

    private JsonObject ReadAdditionalFields()
    {
        var fields = new JsonObject();
        if (_json is not null)
        {
            foreach (var property in _json.Root.EnumerateObject())
            {
                if (!OwnsField(Identify(property)))
                {
                    fields[property.Name] = JsonSerializer.SerializeToNode(property.Value);
                }
            }
        }

        return fields;
    }

    internal static EventField Identify(JsonProperty property)
    {
        var raw = JsonMarshal.GetRawUtf8PropertyName(property);
        // An escaped name ("\u0074ype") is rare; compare its unescaped form.
        return raw.IndexOf((byte)'\\') < 0
            ? EventFields.Identify(raw)
            : EventFields.Identify(System.Text.Encoding.UTF8.GetBytes(property.Name));
    }
}
