using System.Text;
using Segment.Functions.Dispatch.Internal;
using Segment.Functions.Hosting;

namespace Segment.Functions.Testing;

/// <summary>What a harness run shows, like the editor's Output panel: outcome, error, logs and request traces.</summary>
public sealed class FunctionRun
{
    private readonly EventOutcome _summary;

    internal FunctionRun(IReadOnlyList<SegmentEvent> events, IReadOnlyList<EventOutcome> outcomes, string logs, IReadOnlyList<LogEntry> logEntries, bool logsTruncated, IReadOnlyList<HttpTrace> requests, TimeSpan duration)
    {
        Events = events;
        Outcomes = outcomes;
        Logs = logs;
        LogEntries = logEntries;
        LogsTruncated = logsTruncated;
        Requests = requests;
        Duration = duration;
        // A batch shows its worst outcome: a retry over a discard over delivered.
        _summary = JsonRun.Worst(outcomes);
    }

    /// <summary>The events that were run.</summary>
    public IReadOnlyList<SegmentEvent> Events { get; }

    /// <summary>Delivered, discarded or retry: for a batch, the worst of its events (a retry, then a discard).</summary>
    public OutcomeKind Outcome => _summary.Kind;

    /// <summary>Why it was not delivered (for a batch, the reason of the worst outcome).</summary>
    public OutcomeReason Reason => _summary.Reason;

    /// <summary>The error, secrets redacted; null when delivered.</summary>
    public ErrorInfo? Error => _summary.Error;

    /// <summary>What the attempt decided for each event, by index (one for a single event).</summary>
    public IReadOnlyList<EventOutcome> Outcomes { get; }

    /// <summary>The logs as text, at most <see cref="InvocationOptions.MaxLogBytes"/> (4 KB), with a mark where they were cut.</summary>
    public string Logs { get; }

    /// <summary>The log lines with their levels.</summary>
    public IReadOnlyList<LogEntry> LogEntries { get; }

    /// <summary>Whether the logs were cut at the limit.</summary>
    public bool LogsTruncated { get; }

    /// <summary>The HTTP requests the function made, with their responses; secrets redacted.</summary>
    public IReadOnlyList<HttpTrace> Requests { get; }

    /// <summary>How long the invocation took on the harness's clock.</summary>
    public TimeSpan Duration { get; }

    /// <inheritdoc/>
    public override string ToString()
    {
        var text = new StringBuilder().Append(_summary.ToString());
        foreach (var request in Requests)
        {
            text.Append("\n  ").Append(request);
        }

        if (Logs.Length > 0)
        {
            text.Append("\nLogs:\n").Append(Logs);
        }

        return text.ToString();
    }
}
