using System.Diagnostics;
using System.Diagnostics.Metrics;
using Segment.Functions.Hosting;

namespace Segment.Functions.Telemetry.Internal;

/// <summary>
/// The host's metrics (one <see cref="Meter"/> named <c>Segment.Functions</c>, from <see cref="IMeterFactory"/>)
/// and its <see cref="ActivitySource"/> of the same name, with one span per invocation.
/// </summary>
/// <remarks>
/// Tags are the destination name, the outcome and the reason, never event content or settings,
/// so no secret can reach a metrics backend through them.
/// </remarks>
internal sealed class SegmentFunctionsTelemetry
{
    /// <summary>The name of the meter and of the activity source.</summary>
    public const string Name = "Segment.Functions";

    public static readonly ActivitySource ActivitySource = new(Name);

    private readonly Counter<long> _events;
    private readonly Counter<long> _rejected;
    private readonly Counter<long> _pendingAtShutdown;
    private readonly Histogram<double> _duration;
    private readonly Histogram<int> _batchSize;

    public SegmentFunctionsTelemetry(IMeterFactory meterFactory)
    {
        Meter = meterFactory.Create(Name);
        _events = Meter.CreateCounter<long>("segment.functions.events", "{event}", "Outcomes of delivery attempts, by destination, outcome (delivered, discarded, retry, expired) and reason.");
        _rejected = Meter.CreateCounter<long>("segment.functions.events.rejected", "{event}", "Events not accepted by SendAsync, by reason (invalid, queue_full, stopped).");
        _pendingAtShutdown = Meter.CreateCounter<long>("segment.functions.events.pending_at_shutdown", "{event}", "Events a destination still held when the host stopped, by kind (queued, in_flight, waiting_for_retry).");
        _duration = Meter.CreateHistogram<double>("segment.functions.invocation.duration", "s", "How long handler invocations took, by destination and mode (single, batch).");
        _batchSize = Meter.CreateHistogram<int>("segment.functions.batch.size", "{event}", "How many events each OnBatch invocation was given.");
    }

    public Meter Meter { get; }

    public void Outcome(string destination, EventOutcome outcome, bool expired)
    {
        if (_events.Enabled)
        {
            _events.Add(1, new TagList
            {
                { "destination", destination },
                { "outcome", expired ? "expired" : OutcomeTag(outcome.Kind) },
                { "reason", ReasonTag(outcome.Reason) },
            });
        }
    }

    /// <remarks>Never throws: it is called where an answer to the sender is on its way, and a metrics listener that throws must not change that answer.</remarks>
    public void Rejected(string? destination, string reason)
    {
        if (_rejected.Enabled)
        {
            try
            {
                _rejected.Add(1, new TagList { { "destination", destination ?? "" }, { "reason", reason } });
            }
            catch (Exception)
            {
                // The listener's failure is its own; the count is lost, nothing else.
            }
        }
    }

    /// <summary>Counts what a destination still held at its stop, by <c>kind</c>: queued, in_flight, waiting_for_retry.</summary>
    public void PendingAtShutdown(string destination, DestinationStatus left)
    {
        Add(left.Queued, "queued");
        Add(left.InFlight, "in_flight");
        Add(left.WaitingForRetry, "waiting_for_retry");

        void Add(int count, string kind)
        {
            if (count > 0)
            {
                _pendingAtShutdown.Add(count, new KeyValuePair<string, object?>("destination", destination), new KeyValuePair<string, object?>("kind", kind));
            }
        }
    }

    public void Invocation(string destination, int events, TimeSpan duration)
    {
        if (_duration.Enabled)
        {
            _duration.Record(duration.TotalSeconds, new TagList { { "destination", destination }, { "mode", events == 1 ? "single" : "batch" } });
        }
    }

    public void Batch(string destination, int size) =>
        _batchSize.Record(size, new KeyValuePair<string, object?>("destination", destination));

    private static string OutcomeTag(OutcomeKind outcome) => outcome switch
    {
        OutcomeKind.Delivered => "delivered",
        OutcomeKind.Discarded => "discarded",
        OutcomeKind.Retry => "retry",
        _ => "expired",
    };

    private static string ReasonTag(OutcomeReason reason) => reason switch
    {
        OutcomeReason.None => "none",
        OutcomeReason.UnsupportedEventType => "unsupported_event_type",
        OutcomeReason.BadRequest => "bad_request",
        OutcomeReason.MessageRejected => "message_rejected",
        OutcomeReason.InvalidSettings => "invalid_settings",
        OutcomeReason.Retry => "retry",
        OutcomeReason.Timeout => "timeout",
        OutcomeReason.UnknownError => "unknown_error",
        OutcomeReason.QueueFull => "queue_full",
        _ => "other",
    };
}
