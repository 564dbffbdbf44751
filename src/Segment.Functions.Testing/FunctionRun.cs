using System.Text;
using Segment.Functions.Hosting;

namespace Segment.Functions.Testing;

/// <summary>What a harness run shows, like the editor's Output panel: outcome, error, logs and request traces.</summary>
public sealed class FunctionRun
{
    internal FunctionRun(IReadOnlyList<SegmentEvent> events, IReadOnlyList<EventOutcome> outcomes, string logs, IReadOnlyList<LogEntry> logEntries, bool logsTruncated, IReadOnlyList<HttpTrace> requests, TimeSpan duration)
    {
        Events = events;
        Statuses = outcomes;
        Logs = logs;
        LogEntries = logEntries;
        LogsTruncated = logsTruncated;
        Requests = requests;
        Duration = duration;
        // A batch shows its worst outcome: a retry over a discard over delivered.
        var worst = outcomes.FirstOrDefault(o => o.Outcome == OutcomeKind.Retry);
        if (worst.Outcome != OutcomeKind.Retry)
        {
            worst = outcomes.FirstOrDefault(o => o.Outcome != OutcomeKind.Delivered);
        }

        Result = worst == default ? EventOutcome.Delivered : worst;
    }

    /// <summary>The events that were run.</summary>
    public IReadOnlyList<SegmentEvent> Events { get; }

    /// <summary>The run's outcome (for a batch, the worst of its events: retry, then discard).</summary>
    public EventOutcome Result { get; }

    /// <summary>Delivered, discarded or retry.</summary>
    public OutcomeKind Outcome => Result.Outcome;

    /// <summary>Why it was not delivered.</summary>
    public OutcomeReason Reason => Result.Reason;

    /// <summary>The error, secrets redacted; null when delivered.</summary>
    public ErrorInfo? Error => Result.Error;

    /// <summary>One outcome per event, by index (one for a single event).</summary>
    public IReadOnlyList<EventOutcome> Statuses { get; }

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
        var text = new StringBuilder().Append(Result.ToString());
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
