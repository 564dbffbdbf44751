using Segment.Functions.Events.Internal;

namespace Segment.Functions.Hosting.Internal;

/// <summary><see cref="IDestinationTester"/>: one run of a destination's bound function, outside its pipeline.</summary>
internal sealed partial class SegmentFunctionsHost : IDestinationTester
{
    public async Task<TestRun> TestAsync(string destination, ReadOnlyMemory<byte> utf8Json, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var index = Array.FindIndex(_pipelines, p => p.Name == destination);
        if (index < 0)
        {
            throw new ArgumentException($"No destination is named \"{destination}\". Registered: {string.Join(", ", Destinations)}.", nameof(destination));
        }

        // The destination's own invoker: same instance, settings, timeout, capture and redaction; no store, no retry.
        var invoker = _bound[index].Invoker;
        if (!IsArray(utf8Json.Span))
        {
            var parsed = SegmentEventParser.ParseEvent(utf8Json.Span, _options.Parsing);
            if (parsed.Event is not { } single)
            {
                return NotRun(destination, [BadRequest(parsed.Error!)]);
            }

            return Report(destination, await invoker.InvokeAsync(single, cancellationToken).ConfigureAwait(false), null);
        }

        IReadOnlyList<EventParseResult> items;
        try
        {
            items = SegmentEventParser.ParseArray(utf8Json.Span, _options.Parsing);
        }
        catch (InvalidEventPayload e)
        {
            return NotRun(destination, [BadRequest(e.Message)]);
        }

        var valid = items.Where(i => i.Event is not null).Select(i => i.Event!).ToArray();
        if (valid.Length == 0)
        {
            return NotRun(destination, items.Count == 0
                ? [BadRequest("The array holds no events.")]
                : items.Select((item, i) => BadRequest($"Event [{i}]: {item.Error}")).ToArray());
        }

        var report = await invoker.InvokeBatchAsync(valid, cancellationToken).ConfigureAwait(false);
        var outcomes = new EventOutcome[items.Count];
        var next = 0;
        for (var i = 0; i < items.Count; i++)
        {
            outcomes[i] = items[i].Event is null ? BadRequest($"Event [{i}]: {items[i].Error}") : report.Outcomes[next++];
        }

        return Report(destination, report, outcomes);
    }

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

    private static TestRun Report(string destination, Dispatch.Internal.InvocationReport report, IReadOnlyList<EventOutcome>? outcomes) =>
        new(destination, outcomes ?? report.Outcomes, report.Capture.FormatLogs(), report.Capture.HttpTraces, report.Duration);

    private static TestRun NotRun(string destination, IReadOnlyList<EventOutcome> outcomes) => new(destination, outcomes, "", [], TimeSpan.Zero);

    private static EventOutcome BadRequest(string message) =>
        new(OutcomeKind.Discarded, OutcomeReason.BadRequest, new ErrorInfo(nameof(InvalidEventPayload), message));
}
