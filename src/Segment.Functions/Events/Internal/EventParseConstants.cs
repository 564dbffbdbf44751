namespace Segment.Functions.Events.Internal;

/// <summary>The defaults and limits of <see cref="EventParseOptions"/>: one place for the initializers, the docs and the <c>[Range]</c> attributes.</summary>
internal static class EventParseConstants
{
    /// <summary>32 KB, Segment's own per-event limit.</summary>
    public const int DefaultMaxEventBytes = 32 * 1024;

    public const int MinMaxEventBytes = 64;

    public const int MaxMaxEventBytes = 16 * 1024 * 1024;

    public const int DefaultMaxDepth = 64;

    public const int MinMaxDepth = 2;

    public const int MaxMaxDepth = 1000;
}
