using Segment.Functions.Dispatch.Internal;

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
        var run = await JsonRun.RunAsync(
            utf8Json,
            _options.Parsing,
            e => invoker.InvokeAsync(e, cancellationToken).AsTask(),
            events => invoker.InvokeBatchAsync(events, cancellationToken).AsTask()).ConfigureAwait(false);
        return run.Report is { } report
            ? new TestRun(destination, run.Outcomes, report.Capture.FormatLogs(), report.Capture.HttpTraces, report.Duration)
            : new TestRun(destination, run.Outcomes, "", [], TimeSpan.Zero);
    }
}
