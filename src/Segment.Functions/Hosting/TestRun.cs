using Segment.Functions.Dispatch.Internal;

namespace Segment.Functions.Hosting;

/// <summary>What one <see cref="IDestinationTester.TestAsync"/> run showed: outcome, error, logs and requests, secrets redacted.</summary>
public sealed class TestRun
{
    /// <summary>Creates a run's result.</summary>
    /// <param name="destination">The destination that ran.</param>
    /// <param name="outcomes">One outcome per event, by index (one for a single event).</param>
    /// <param name="logs">The logs as text, capped and redacted.</param>
    /// <param name="requests">The HTTP requests made, with their responses.</param>
    /// <param name="duration">How long the invocation took.</param>
    public TestRun(string destination, IReadOnlyList<EventOutcome> outcomes, string logs, IReadOnlyList<HttpTrace> requests, TimeSpan duration)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(outcomes);
        ArgumentNullException.ThrowIfNull(logs);
        ArgumentNullException.ThrowIfNull(requests);
        if (outcomes.Count == 0)
        {
            throw new ArgumentException("A run has at least one outcome.", nameof(outcomes));
        }

        Destination = destination;
        Outcomes = outcomes;
        Logs = logs;
        Requests = requests;
        Duration = duration;
        // A batch shows its worst outcome, as the harness does: a retry over a discard over delivered.
        Summary = JsonRun.Worst(outcomes);
    }

    /// <summary>The destination that ran.</summary>
    public string Destination { get; }

    /// <summary>The outcome shown for the run: for a batch, the worst of its events (a retry, then a discard).</summary>
    public EventOutcome Summary { get; }

    /// <summary>What the run decided for each event, by index (one for a single event).</summary>
    public IReadOnlyList<EventOutcome> Outcomes { get; }

    /// <summary>The logs as text, at most <see cref="InvocationOptions.MaxLogBytes"/>, secrets redacted.</summary>
    public string Logs { get; }

    /// <summary>The HTTP requests the function made, with their responses, secrets redacted.</summary>
    public IReadOnlyList<HttpTrace> Requests { get; }

    /// <summary>How long the invocation took; zero when the input was not run.</summary>
    public TimeSpan Duration { get; }
}
