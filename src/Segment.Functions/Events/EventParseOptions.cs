using System.ComponentModel.DataAnnotations;

namespace Segment.Functions;

/// <summary>Limits applied when parsing an event. Inputs past a limit are rejected with <see cref="InvalidEventPayload"/>.</summary>
public sealed class EventParseOptions
{
    /// <summary>The defaults: 32 KB per event, depth 64.</summary>
    public static EventParseOptions Default { get; } = new();

    /// <summary>The largest event accepted, in bytes of UTF-8 JSON.</summary>
    /// <value>32,768 (32 KB), Segment's own per-event limit.</value>
    [Range(64, 16 * 1024 * 1024)]
    public int MaxEventBytes { get; init; } = 32 * 1024;

    /// <summary>The deepest nesting of JSON objects and arrays accepted.</summary>
    /// <value>64; real payloads stay far below it, and it stops hostile nesting cheaply.</value>
    [Range(2, 1000)]
    public int MaxDepth { get; init; } = 64;
}
