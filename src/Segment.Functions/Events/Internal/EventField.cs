using System.Runtime.CompilerServices;

namespace Segment.Functions.Events.Internal;

/// <summary>
/// The top-level fields of the Segment Spec, as keys into the field table (<see cref="EventFields"/>),
/// which says everything else about them. Also the slot numbers while the parser scans an event.
/// </summary>
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
    Name,
    GroupId,
    PreviousId,
    Category,
    Properties,
    Traits,
}

/// <summary>One top-level value per <see cref="EventField"/>, on the stack while an event is built.</summary>
[InlineArray(EventFields.Count)]
internal struct EventFieldSlots
{
    private JsonSlice _value;
}
