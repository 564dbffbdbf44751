using System.ComponentModel.DataAnnotations;
using Segment.Functions.Events.Internal;

namespace Segment.Functions;

/// <summary>Limits applied when parsing an event. Inputs past a limit are rejected with <see cref="InvalidEventPayload"/>.</summary>
public sealed class EventParseOptions
{
    /// <summary>The defaults: 32 KB per event, depth 64.</summary>
    public static EventParseOptions Default { get; } = new();

    /// <summary>The largest event accepted, in bytes of UTF-8 JSON.</summary>
    /// <value>32,768 (32 KB), Segment's own per-event limit; between 64 and 16,777,216 (16 MB).</value>
    [Range(EventParseConstants.MinMaxEventBytes, EventParseConstants.MaxMaxEventBytes)]
    public int MaxEventBytes { get; init; } = EventParseConstants.DefaultMaxEventBytes;

    /// <summary>The deepest nesting of JSON objects and arrays accepted.</summary>
    /// <value>64; real payloads stay far below it, and it stops hostile nesting cheaply; between 2 and 1,000.</value>
    [Range(EventParseConstants.MinMaxDepth, EventParseConstants.MaxMaxDepth)]
    public int MaxDepth { get; init; } = EventParseConstants.DefaultMaxDepth;
}
