namespace Segment.Functions.Events.Internal;

/// <summary>An event, or why the input is not one; lets the host reject input without throwing.</summary>
internal readonly struct EventParseResult
{
    private EventParseResult(SegmentEvent? @event, string? error)
    {
        Event = @event;
        Error = error;
    }

    public SegmentEvent? Event { get; }

    public string? Error { get; }

    public static EventParseResult Success(SegmentEvent @event) => new(@event, null);

    public static EventParseResult Failure(string error) => new(null, error);

    public SegmentEvent GetEventOrThrow() => Event ?? throw new InvalidEventPayload(Error!);
}
