using System.Collections.Immutable;

namespace Segment.Functions.Events.Internal;

/// <summary>
/// The field table: every top-level field of the Segment Spec, once. The parser validates and files
/// fields by it, the records keep their values in its slots, and the handler copy, the writer and
/// <see cref="SegmentEvent.AdditionalFields"/> walk it; a new field is one new row here and one
/// property on its record.
/// </summary>
internal static class EventFields
{
    /// <summary>How many <see cref="EventField"/> values there are (the parser's scan slots).</summary>
    public const int Count = (int)EventField.Traits + 1;

    /// <summary>How many values a record keeps (<see cref="EventFieldValues"/>).</summary>
    public const int SlotCount = 15;

    private const EventTypes Views = EventTypes.Page | EventTypes.Screen;

    /// <summary>The table, in the order fields are written back (common fields first, then the type's own).</summary>
    public static readonly ImmutableArray<EventFieldInfo> All =
    [
        new(EventField.Type, "type", EventFieldKind.MessageType, EventTypes.All, slot: -1),
        new(EventField.MessageId, "messageId", EventFieldKind.Id, EventTypes.All, slot: 0),
        new(EventField.UserId, "userId", EventFieldKind.Id, EventTypes.All, slot: 1),
        new(EventField.AnonymousId, "anonymousId", EventFieldKind.Id, EventTypes.All, slot: 2),
        new(EventField.Timestamp, "timestamp", EventFieldKind.Timestamp, EventTypes.All, slot: 3),
        new(EventField.OriginalTimestamp, "originalTimestamp", EventFieldKind.Timestamp, EventTypes.All, slot: 4),
        new(EventField.SentAt, "sentAt", EventFieldKind.Timestamp, EventTypes.All, slot: 5),
        new(EventField.ReceivedAt, "receivedAt", EventFieldKind.Timestamp, EventTypes.All, slot: 6),
        new(EventField.Context, "context", EventFieldKind.Object, EventTypes.All, slot: 7),
        new(EventField.Integrations, "integrations", EventFieldKind.Object, EventTypes.All, slot: 8),
        new(EventField.Channel, "channel", EventFieldKind.Text, EventTypes.All, slot: 9),
        new(EventField.Version, "version", EventFieldKind.Id, EventTypes.All, slot: 10),
        new(EventField.WriteKey, "writeKey", EventFieldKind.Text, EventTypes.All, slot: 11),
        // The types' own fields. Two fields share a slot when no type carries both, which keeps
        // every record at 15 slots.
        new(EventField.Event, "event", EventFieldKind.Text, EventTypes.Track, slot: 12,
            requiredError: "A track event needs a non-empty \"event\" (the name of the action)."),
        new(EventField.Name, "name", EventFieldKind.Text, Views, slot: 12),
        new(EventField.GroupId, "groupId", EventFieldKind.Id, EventTypes.Group, slot: 12,
            requiredError: "A group event needs a non-empty \"groupId\"."),
        new(EventField.PreviousId, "previousId", EventFieldKind.Id, EventTypes.Alias, slot: 12,
            requiredError: "An alias event needs a non-empty \"previousId\"."),
        new(EventField.Category, "category", EventFieldKind.Text, Views, slot: 13),
        new(EventField.Properties, "properties", EventFieldKind.Object, EventTypes.Track | Views, slot: 14),
        new(EventField.Traits, "traits", EventFieldKind.Object, EventTypes.Identify | EventTypes.Group, slot: 14),
    ];

    // Lookups built from the table once: by field, and by name length (at most four names share a length).
    private static readonly EventFieldInfo[] ByField = IndexByField();
    private static readonly EventFieldInfo[][] ByNameLength = IndexByNameLength();

    /// <summary>The row of a field.</summary>
    public static EventFieldInfo Get(EventField field) => ByField[(int)field];

    /// <summary>The bit of a message type in <see cref="EventTypes"/>.</summary>
    public static EventTypes Bit(SegmentEventType type) => (EventTypes)(1 << (int)type);

    /// <summary>Whether a message type has a field of its own under this name (and so it is not an additional field).</summary>
    public static bool IsCarriedBy(EventField field, SegmentEventType type) =>
        field != EventField.Unknown && ByField[(int)field].IsCarriedBy(type);

    /// <summary>Maps a raw UTF-8 property name to its field without allocating.</summary>
    public static EventField Identify(ReadOnlySpan<byte> name)
    {
        if (name.Length < ByNameLength.Length)
        {
            foreach (var info in ByNameLength[name.Length])
            {
                if (name.SequenceEqual(info.Utf8Name))
                {
                    return info.Field;
                }
            }
        }

        return EventField.Unknown;
    }

    private static EventFieldInfo[] IndexByField()
    {
        var byField = new EventFieldInfo[Count];
        foreach (var info in All)
        {
            byField[(int)info.Field] = info;
        }

        return byField;
    }

    private static EventFieldInfo[][] IndexByNameLength()
    {
        var longest = All.Max(info => info.Utf8Name.Length);
        return [.. Enumerable.Range(0, longest + 1).Select(length => All.Where(info => info.Utf8Name.Length == length).ToArray())];
    }
}
