using Microsoft.Extensions.Logging;
using Segment.Functions.Delivery;
using Segment.Functions.Delivery.Internal;
using Segment.Functions.Dispatch.Internal;
using Segment.Functions.Hosting;
using Segment.Functions.Retries.Internal;
using Segment.Functions.Settings.Internal;
using Segment.Functions.Telemetry.Internal;

namespace Segment.Functions.Pipeline.Internal;

/// <summary>
/// The one place that decides what an attempt's outcome means — delivered, discarded, retry at a
/// time, or expired — and the only producer of delivery records. For each decision it keeps the
/// counts and the health window, logs, tells the metrics and the observers, and hands the record to
/// the <see cref="RecordWriter"/>.
/// </summary>
internal sealed class OutcomeRecorder
{
    private readonly SegmentFunctionsOptions _options;
    private readonly SecretRedactor _redactor;
    private readonly RecordWriter _writer;
    private readonly IDeliveryObserver[] _observers;
    private readonly SegmentFunctionsTelemetry _telemetry;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly RetryBackoff _backoff;
    private readonly FailureWindow _health;
    private readonly EventOutcome _queueFullOutcome;
    private long _queueFullLoggedTicks;

    public OutcomeRecorder(
        string destination,
        SegmentFunctionsOptions options,
        SecretRedactor redactor,
        RecordWriter writer,
        IDeliveryObserver[] observers,
        SegmentFunctionsTelemetry telemetry,
        TimeProvider time,
        ILogger logger,
        Func<double>? random = null)
    {
        Destination = destination;
        _options = options;
        _redactor = redactor;
        _writer = writer;
        _observers = observers;
        _telemetry = telemetry;
        _time = time;
        _logger = logger;
        _backoff = new RetryBackoff(options.Retry, random);
        _health = new FailureWindow(options.Health.Window);
        _queueFullOutcome = new EventOutcome(OutcomeKind.Discarded, OutcomeReason.QueueFull, new ErrorInfo("QueueFull",
            $"Destination \"{destination}\" already holds {options.QueueCapacity} events (SegmentFunctionsOptions.QueueCapacity) and FullMode is Reject."));
    }

    public string Destination { get; }

    public DeliveryCounters Counts { get; } = new();

    /// <summary>Attempts in the health window, and how many of them failed.</summary>
    public (int Attempts, int Failures) Health => _health.Snapshot();

    /// <summary>
    /// Decides what one attempt of one event leads to, and records it. Never throws: if anything in
    /// here fails (a logger, a metrics listener), the event ends as an Unknown Error, still recorded.
    /// </summary>
    /// <returns>When to try again, or null when the event reached its final outcome.</returns>
    public DateTimeOffset? Decide(PendingEvent item, EventOutcome outcome, InvocationCapture? capture)
    {
        try
        {
            return DecideOrThrow(item, outcome, capture);
        }
        catch (Exception exception)
        {
            RecordFailedDecision(item, capture, exception);
            return null;
        }
    }

    /// <summary>Records an event rejected at intake because this destination was full.</summary>
    public void RecordQueueFull(SegmentEvent @event)
    {
        // Under overload every send lands here: one warning a second is enough to say so.
        var now = _time.GetUtcNow();
        if (now - new DateTimeOffset(Interlocked.Read(ref _queueFullLoggedTicks), TimeSpan.Zero) >= TimeSpan.FromSeconds(1))
        {
            Interlocked.Exchange(ref _queueFullLoggedTicks, now.UtcTicks);
            Log.Safely(() => Log.QueueFull(_logger, Destination, _options.QueueCapacity));
        }

        _telemetry.Rejected(Destination, "queue_full");
        Counts.Discarded(OutcomeReason.QueueFull);
        Publish(NewRecord(@event, PendingEvent.NextSequence(), _queueFullOutcome, DeliveryState.Discarded, attempts: 0, now, now, now, capture: null));
    }

    /// <summary>Records an event whose destination filter threw: it is discarded for this destination as an Unknown Error.</summary>
    public void RecordFilterFailure(SegmentEvent @event, Exception exception)
    {
        var now = _time.GetUtcNow();
        var error = OutcomeClassifier.FromException(exception, _redactor).Error!;
        var outcome = new EventOutcome(OutcomeKind.Discarded, OutcomeReason.UnknownError, error with { Message = $"The destination filter threw: {error.Message}" });
        // A metrics listener that throws must not keep the event from its record (nor throw at the sender).
        Log.Safely(() => _telemetry.Outcome(Destination, outcome, expired: false));
        Counts.Discarded(OutcomeReason.UnknownError);
        Publish(NewRecord(@event, PendingEvent.NextSequence(), outcome, DeliveryState.Discarded, attempts: 0, now, now, now, capture: null));
    }

    /// <summary>Records input that never became an event (this recorder is the host's, for <see cref="DeliveryRecord.RejectedInput"/>).</summary>
    public void RecordRejectedInput(string error)
    {
        var now = _time.GetUtcNow();
        Counts.Discarded(OutcomeReason.BadRequest);
        Publish(new DeliveryRecord
        {
            Destination = Destination,
            MessageId = "",
            Sequence = PendingEvent.NextSequence(),
            State = DeliveryState.Discarded,
            Reason = OutcomeReason.BadRequest,
            AcceptedAt = now,
            FirstAttemptAt = now,
            LastAttemptAt = now,
            Error = new ErrorInfo(nameof(InvalidEventPayload), error),
        });
    }

    // The counts change last, after everything that may throw (logs, metrics, the record), so an
    // event whose decision failed is counted once, as the Unknown Error RecordFailedDecision makes it.
    private DateTimeOffset? DecideOrThrow(PendingEvent item, EventOutcome outcome, InvocationCapture? capture)
    {
        _health.Add(FailureWindow.IsFailure(outcome));
        var now = _time.GetUtcNow();
        // An event with more than one attempt had a retry record, so it was counted as retrying until now.
        var wasRetrying = item.Attempts > 1;
        if (outcome.Kind == OutcomeKind.Retry)
        {
            if (_backoff.NextAttempt(item.Attempts, item.FirstAttemptAt, now, outcome.RetryAfter) is { } next)
            {
                _telemetry.Outcome(Destination, outcome, expired: false);
                var retry = NewRecord(item, outcome, DeliveryState.Retrying, now, capture) with { NextAttemptAt = next };
                if (!wasRetrying)
                {
                    Counts.Retrying(1);
                }

                Publish(retry, item);
                return next;
            }

            Log.Expired(_logger, Destination, item.Attempts, outcome.Reason.ToDisplayText());
            _telemetry.Outcome(Destination, outcome, expired: true);
            var expired = NewRecord(item, outcome, DeliveryState.Expired, now, capture);
            Counts.Expired();
            Final(expired, item, wasRetrying);
            return null;
        }

        if (outcome.Kind == OutcomeKind.Discarded)
        {
            Log.Discarded(_logger, Destination, outcome.Reason.ToDisplayText());
        }

        _telemetry.Outcome(Destination, outcome, expired: false);
        var record = NewRecord(item, outcome, outcome.Kind == OutcomeKind.Delivered ? DeliveryState.Delivered : DeliveryState.Discarded, now, capture);
        if (outcome.Kind == OutcomeKind.Delivered)
        {
            Counts.Delivered();
        }
        else
        {
            Counts.Discarded(outcome.Reason);
        }

        Final(record, item, wasRetrying);
        return null;
    }

    private void Final(DeliveryRecord record, PendingEvent item, bool wasRetrying)
    {
        if (wasRetrying)
        {
            Counts.Retrying(-1);
        }

        Publish(record, item);
    }

    // A logger or metrics listener that threw must not lose the event: it ends as an Unknown Error.
    // Apart from Decide so the lambda's closure is allocated only when this happens.
    private void RecordFailedDecision(PendingEvent item, InvocationCapture? capture, Exception exception) =>
        Log.Safely(() =>
        {
            var error = new ErrorInfo(exception.GetType().FullName ?? exception.GetType().Name, _redactor.Redact($"Recording the outcome failed: {exception.Message}"));
            var outcome = new EventOutcome(OutcomeKind.Discarded, OutcomeReason.UnknownError, error);
            Counts.Discarded(OutcomeReason.UnknownError);
            if (item.Attempts > 1)
            {
                Counts.Retrying(-1);
            }

            Publish(NewRecord(item, outcome, DeliveryState.Discarded, _time.GetUtcNow(), capture), item);
            Log.CompleteFailed(_logger, Destination, exception);
        });

    private DeliveryRecord NewRecord(PendingEvent item, EventOutcome outcome, DeliveryState state, DateTimeOffset now, InvocationCapture? capture) =>
        NewRecord(item.Event, item.Sequence, outcome, state, item.Attempts, item.AcceptedAt, item.FirstAttemptAt, now, capture);

    private DeliveryRecord NewRecord(SegmentEvent @event, long sequence, EventOutcome outcome, DeliveryState state, int attempts, DateTimeOffset accepted, DateTimeOffset first, DateTimeOffset last, InvocationCapture? capture)
    {
        // Logs and traces are kept for failures only (SPEC §7); delivered events need not carry them.
        var failed = state != DeliveryState.Delivered && capture is not null;
        return new DeliveryRecord
        {
            Destination = Destination,
            MessageId = @event.MessageId ?? "",
            Sequence = sequence,
            EventType = @event.Type,
            State = state,
            Reason = outcome.Reason,
            Attempts = attempts,
            AcceptedAt = accepted,
            FirstAttemptAt = first,
            LastAttemptAt = last,
            Error = outcome.Error,
            // The event itself for every failure, captured or not (a Queue Full discard has no invocation).
            EventJson = state == DeliveryState.Delivered ? "" : RecordedEvent.Json(@event, _redactor, _options.Invocation.MaxRecordedEventBytes),
            Logs = failed ? capture!.FormatLogs() : "",
            HttpTraces = failed ? capture!.HttpTraces : [],
            OmittedHttpTraces = failed ? capture!.DroppedHttpTraces : 0,
        };
    }

    // Apart from Publish so the lambda's closure is allocated only when an observer throws.
    private void ObserverFailed(IDeliveryObserver observer, Exception exception) =>
        Log.Safely(() => Log.ObserverFailed(_logger, Destination, observer.GetType().Name, exception));

    /// <summary>Tells the observers of a record that is stored (a claimed event's, once its claim completed).</summary>
    public void Notify(DeliveryRecord record)
    {
        foreach (var observer in _observers)
        {
            try
            {
                observer.OnRecorded(record);
            }
            catch (Exception exception)
            {
                ObserverFailed(observer, exception);
            }
        }
    }

    // A claimed event's record goes with the completion of its claim, in one commit, and observers hear
    // of it only once that commit stands (a claim whose lease was lost writes nothing and tells no one).
    private void Publish(DeliveryRecord record, PendingEvent? item = null)
    {
        if (item?.Lease is not null)
        {
            item.Decided = record;
            return;
        }

        Notify(record);
        _writer.Write(record);
    }
}
