namespace Segment.Functions.Events.Internal;

/// <summary>A set of message types: which types carry a field.</summary>
[Flags]
internal enum EventTypes
{
    None = 0,
    Identify = 1 << (int)SegmentEventType.Identify,
    Track = 1 << (int)SegmentEventType.Track,
    Page = 1 << (int)SegmentEventType.Page,
    Screen = 1 << (int)SegmentEventType.Screen,
    Group = 1 << (int)SegmentEventType.Group,
    Alias = 1 << (int)SegmentEventType.Alias,
    Delete = 1 << (int)SegmentEventType.Delete,
    All = Identify | Track | Page | Screen | Group | Alias | Delete,
}
