using Segment.Functions.Events.Internal;

namespace Segment.Functions.Dispatch.Internal;

/// <summary>
/// Raw JSON run as the original editor's manual mode runs it, for the test harness and the host's
/// <see cref="Hosting.IDestinationTester"/> alike: an object runs its single-event handler, an array
/// runs <c>OnBatch</c> with its valid items, and input that is not a valid event is shown as
/// discarded with "Bad Request" (by index, for an array).
/// </summary>
internal static class JsonRun
{
    /// <summary>What a run produced: the events that ran, one outcome per input item, and the invocation's report (null when nothing ran).</summary>
    internal sealed record Result(IReadOnlyList<SegmentEvent> Events, IReadOnlyList<EventOutcome> Outcomes, InvocationReport? Report);

    /// <param name="utf8Json">One event, or a JSON array of events.</param>
    /// <param name="options">The parse limits.</param>
    /// <param name="single">Runs one event's handler.</param>
    /// <param name="batch">Runs <c>OnBatch</c>.</param>
    public static async Task<Result> RunAsync(
        ReadOnlyMemory<byte> utf8Json,
        EventParseOptions options,
        Func<SegmentEvent, Task<InvocationReport>> single,
        Func<IReadOnlyList<SegmentEvent>, Task<InvocationReport>> batch)
    {
        if (!IsArray(utf8Json.Span))
        {
            var parsed = SegmentEventParser.ParseEvent(utf8Json.Span, options);
            if (parsed.Event is not { } @event)
            {
                return new Result([], [BadRequest(parsed.Error!)], null);
            }

            var report = await single(@event).ConfigureAwait(false);
            return new Result([@event], report.Outcomes, report);
        }

        IReadOnlyList<EventParseResult> items;
        try
        {
            items = SegmentEventParser.ParseArray(utf8Json.Span, options);
        }
        catch (InvalidEventPayload e)
        {
            return new Result([], [BadRequest(e.Message)], null);
        }

        if (items.Count == 0)
        {
            return new Result([], [BadRequest("The array holds no events.")], null);
        }

        var valid = items.Where(i => i.Event is not null).Select(i => i.Event!).ToArray();
        InvocationReport? ran = valid.Length > 0 ? await batch(valid).ConfigureAwait(false) : null;
        var outcomes = new EventOutcome[items.Count];
        var next = 0;
        for (var i = 0; i < items.Count; i++)
        {
            outcomes[i] = items[i].Event is null ? BadRequest($"Event [{i}]: {items[i].Error}") : ran!.Value.Outcomes[next++];
        }

        return new Result(valid, outcomes, ran);
    }

    /// <summary>The outcome a run shows for all its events: a retry over a discard over delivered.</summary>
    public static EventOutcome Worst(IReadOnlyList<EventOutcome> outcomes)
    {
        var discard = EventOutcome.Delivered;
        foreach (var outcome in outcomes)
        {
            if (outcome.Kind == OutcomeKind.Retry)
            {
                return outcome;
            }

            if (outcome.Kind == OutcomeKind.Discarded && discard.Kind == OutcomeKind.Delivered)
            {
                discard = outcome;
            }
        }

        return discard;
    }

    // The first character that is not white space (or a UTF-8 byte-order mark) opens an array.
    private static bool IsArray(ReadOnlySpan<byte> json)
    {
        foreach (var b in json)
        {
            if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n' or 0xEF or 0xBB or 0xBF))
            {
                return b == (byte)'[';
            }
        }

        return false;
    }

    private static EventOutcome BadRequest(string message) =>
        new(OutcomeKind.Discarded, OutcomeReason.BadRequest, new ErrorInfo(nameof(InvalidEventPayload), message));
}
