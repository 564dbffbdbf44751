using System.Runtime.CompilerServices;

namespace Segment.Functions.Events.Internal;

/// <summary>The top-level fields the parser knows, used as slot numbers while scanning an event.</summary>
internal enum EventField : byte
{
    Unknown,
    Type,
    MessageId,
    UserId,
    AnonymousId,
    Timestamp,
    OriginalTimestamp,
    SentAt,
    ReceivedAt,
    Context,
    Integrations,
    Channel,
    Version,
    WriteKey,
    Event,
    Properties,
    Traits,
    Name,
    Category,
    GroupId,
    PreviousId,
}

/// <summary>Maps a raw UTF-8 property name to its <see cref="EventField"/> without allocating.</summary>
internal static class EventFields
{
    public const int Count = (int)EventField.PreviousId + 1;

    /// <summary>Fields every message type has; the rest belong to some types only.</summary>
    public static bool IsCommon(EventField field) => field is >= EventField.Type and <= EventField.WriteKey;

    // A switch on length first keeps this to one or two comparisons per property.
    public static EventField Identify(ReadOnlySpan<byte> name) => name.Length switch
    {
        4 when name.SequenceEqual("type"u8) => EventField.Type,
        4 when name.SequenceEqual("name"u8) => EventField.Name,
        5 when name.SequenceEqual("event"u8) => EventField.Event,
        6 when name.SequenceEqual("userId"u8) => EventField.UserId,
        6 when name.SequenceEqual("traits"u8) => EventField.Traits,
        6 when name.SequenceEqual("sentAt"u8) => EventField.SentAt,
        7 when name.SequenceEqual("context"u8) => EventField.Context,
        7 when name.SequenceEqual("channel"u8) => EventField.Channel,
        7 when name.SequenceEqual("version"u8) => EventField.Version,
        7 when name.SequenceEqual("groupId"u8) => EventField.GroupId,
        8 when name.SequenceEqual("category"u8) => EventField.Category,
        8 when name.SequenceEqual("writeKey"u8) => EventField.WriteKey,
        9 when name.SequenceEqual("messageId"u8) => EventField.MessageId,
        9 when name.SequenceEqual("timestamp"u8) => EventField.Timestamp,
        10 when name.SequenceEqual("properties"u8) => EventField.Properties,
        10 when name.SequenceEqual("receivedAt"u8) => EventField.ReceivedAt,
        10 when name.SequenceEqual("previousId"u8) => EventField.PreviousId,
        11 when name.SequenceEqual("anonymousId"u8) => EventField.AnonymousId,
        12 when name.SequenceEqual("integrations"u8) => EventField.Integrations,
        17 when name.SequenceEqual("originalTimestamp"u8) => EventField.OriginalTimestamp,
        _ => EventField.Unknown,
    };
}

/// <summary>One parsed element per <see cref="EventField"/>, on the stack while an event is built.</summary>
[InlineArray(EventFields.Count)]
internal struct EventFieldSlots
{
    private System.Text.Json.JsonElement _element;
}
