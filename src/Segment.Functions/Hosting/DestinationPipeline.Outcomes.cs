using System.Diagnostics;

namespace Segment.Functions;

/// <summary>Running invocations and turning their outcomes into delivery records, retries and metrics.</summary>
internal sealed partial class DestinationPipeline
{
    internal async Task RunSingleAsync(PendingEvent item)
    {
        try
        {
            Begin(item);
            using var activity = StartActivity(1);
            InvocationReport report;
            try
            {
                report = await _invoker.InvokeAsync(item.Event, _abort.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_abort.IsCancellationRequested)
            {
                // The stop deadline passed mid-invocation: the event stays pending.
                _busy.Remove();
                return;
            }
            catch (Exception exception)
            {
                // The invoker maps every handler failure to an outcome; this is a last guard so the event is never lost.
                Complete(item, OutcomeClassifier.FromException(exception, _invoker.Redactor), null);
                return;
            }

            _telemetry.Invocation(Name, 1, report.Duration);
            activity?.SetTag("segment.outcome", report.Outcome.Outcome.ToString());
            Complete(item, report.Outcome, report.Capture);
        }
        finally
        {
            _inFlight.Remove();
            _slots.Release();
        }
    }

    internal async Task RunBatchAsync(List<PendingEvent> batch)
    {
        try
        {
            var events = new SegmentEvent[batch.Count];
            for (var i = 0; i < batch.Count; i++)
            {
                Begin(batch[i]);
                events[i] = batch[i].Event;
            }

            _telemetry.Batch(Name, batch.Count);
            using var activity = StartActivity(batch.Count);
            InvocationReport report;
            try
            {
                report = await _invoker.InvokeBatchAsync(events, _abort.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_abort.IsCancellationRequested)
            {
                _busy.Remove(batch.Count);
                return;
            }
            catch (Exception exception)
            {
                var outcome = OutcomeClassifier.FromException(exception, _invoker.Redactor);
                foreach (var item in batch)
                {
                    Complete(item, outcome, null);
                }

                return;
            }

            _telemetry.Invocation(Name, batch.Count, report.Duration);
            // Each event keeps its own record; only those whose status failed are retried.
            for (var i = 0; i < batch.Count; i++)
            {
                Complete(batch[i], report.Outcomes[i], report.Capture);
            }
        }
        finally
        {
            _inFlight.Remove(batch.Count);
            _slots.Release();
        }
    }

    /// <summary>Records an event rejected at intake because this destination was full.</summary>
    internal void RecordQueueFull(SegmentEvent @event)
    {
        Log.QueueFull(_logger, Name, _options.QueueCapacity);
        _telemetry.Rejected(Name, "queue_full");
        var now = _time.GetUtcNow();
        var outcome = new EventOutcome(DeliveryOutcome.Discarded, OutcomeReason.QueueFull, new ErrorInfo("QueueFull",
            $"Destination \"{Name}\" already holds {_options.QueueCapacity} events (SegmentFunctionsOptions.QueueCapacity) and FullMode is Reject."));
        Store(NewRecord(@event, PendingEvent.NextSequence(), outcome, DeliveryOutcome.Discarded, attempts: 0, now, now, capture: null));
    }

    /// <summary>Records an event whose destination filter threw: it is discarded for this destination.</summary>
    internal void RecordFilterFailure(SegmentEvent @event, Exception exception)
    {
        var now = _time.GetUtcNow();
        var outcome = OutcomeClassifier.FromException(exception, _invoker.Redactor);
        outcome = outcome with { Error = outcome.Error! with { Message = $"The destination filter threw: {outcome.Error.Message}" } };
        _telemetry.Outcome(Name, outcome, expired: false);
        Store(NewRecord(@event, PendingEvent.NextSequence(), outcome, DeliveryOutcome.Discarded, attempts: 0, now, now, capture: null));
    }

    private void Begin(PendingEvent item)
    {
        if (item.Attempts++ == 0)
        {
            item.FirstAttemptAt = _time.GetUtcNow();
        }
    }

    private Activity? StartActivity(int events)
    {
        var activity = SegmentFunctionsTelemetry.ActivitySource.StartActivity("segment.functions.invoke");
        activity?.SetTag("segment.destination", Name);
        activity?.SetTag("segment.events", events);
        return activity;
    }

    // One attempt of one event ended: record it, then retry, expire or finish it.
    private void Complete(PendingEvent item, EventOutcome outcome, InvocationCapture? capture)
    {
        _health.Add(FailureWindow.IsFailure(outcome));
        var now = _time.GetUtcNow();
        if (outcome.Outcome == DeliveryOutcome.Retry)
        {
            if (_backoff.NextAttempt(item.Attempts, item.FirstAttemptAt, now, outcome.RetryAfter) is { } next)
            {
                _telemetry.Outcome(Name, outcome, expired: false);
                Store(NewRecord(item.Event, item.Sequence, outcome, DeliveryOutcome.Retry, item.Attempts, item.FirstAttemptAt, now, capture));
                // Scheduled after the record, so an attempt that is due at once cannot be recorded before this one.
                _retries.Schedule(item, next);
                _busy.Remove();
                return;
            }

            Log.Expired(_logger, Name, item.Attempts, outcome.Reason.ToDisplayText());
            _telemetry.Outcome(Name, outcome, expired: true);
            Store(NewRecord(item.Event, item.Sequence, outcome, DeliveryOutcome.Expired, item.Attempts, item.FirstAttemptAt, now, capture));
        }
        else
        {
            if (outcome.Outcome == DeliveryOutcome.Discarded)
            {
                Log.Discarded(_logger, Name, outcome.Reason.ToDisplayText());
            }

            _telemetry.Outcome(Name, outcome, expired: false);
            Store(NewRecord(item.Event, item.Sequence, outcome, outcome.Outcome, item.Attempts, item.FirstAttemptAt, now, capture));
        }

        // Final: give back the room the event held.
        _room.Release();
        _busy.Remove();
    }

    private DeliveryRecord NewRecord(SegmentEvent @event, long sequence, EventOutcome outcome, DeliveryOutcome recorded, int attempts, DateTimeOffset first, DateTimeOffset last, InvocationCapture? capture)
    {
        // Logs and traces are kept for failures only (SPEC §7); delivered events need not carry them.
        var failed = recorded != DeliveryOutcome.Delivered && capture is not null;
        return new DeliveryRecord
        {
            Destination = Name,
            MessageId = @event.MessageId ?? "",
            Sequence = sequence,
            EventType = @event.Type,
            Outcome = recorded,
            Reason = outcome.Reason,
            Attempts = attempts,
            FirstAttemptAt = first,
            LastAttemptAt = last,
            Error = outcome.Error,
            Logs = failed ? capture!.FormatLogs() : "",
            HttpTraces = failed ? capture!.HttpTraces : [],
        };
    }

    // A store that throws must not take the destination down with it.
    private void Store(DeliveryRecord record)
    {
        try
        {
            _store.Record(record);
        }
        catch (Exception exception)
        {
            Log.RecordFailed(_logger, Name, exception);
        }
    }
}
