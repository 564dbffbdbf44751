using System.Diagnostics;
using Segment.Functions.Delivery;
using Segment.Functions.Delivery.Internal;
using Segment.Functions.Dispatch.Internal;
using Segment.Functions.Telemetry.Internal;

namespace Segment.Functions.Hosting.Internal;

/// <summary>Running invocations and turning their outcomes into delivery records, retries and metrics.</summary>
/// <remarks>
/// Per event, the bookkeeping runs in one order whatever happens: in-flight count down, room given
/// back (final outcomes only), busy count down last, so <see cref="ISegmentFunctions.WaitForIdleAsync"/>
/// never returns while another count still includes the event.
/// </remarks>
internal sealed partial class DestinationPipeline
{
    /// <summary>A single event dispatched by the batching reader on a concurrency slot.</summary>
    internal async Task RunSingleAsync(PendingEvent item)
    {
        try
        {
            await InvokeSingleAsync(item).ConfigureAwait(false);
        }
        finally
        {
            _slots.Release();
        }
    }

    private async Task InvokeSingleAsync(PendingEvent item)
    {
        Begin(item);
        EventOutcome outcome;
        InvocationCapture? capture = null;
        var activity = StartActivity(1);
        try
        {
            var report = await _invoker.InvokeAsync(item.Event, _abort.Token).ConfigureAwait(false);
            _telemetry.Invocation(Name, 1, report.Duration);
            (outcome, capture) = (report.Outcome, report.Capture);
        }
        catch (OperationCanceledException) when (_abort.IsCancellationRequested)
        {
            // The stop deadline passed mid-invocation: the event stays pending, reported as in flight.
            activity?.Dispose();
            Interlocked.Increment(ref _abandoned);
            _inFlight.Remove();
            _busy.Remove();
            return;
        }
        catch (Exception exception)
        {
            // The invoker maps every handler failure to an outcome; this is a last guard so the event is never lost.
            outcome = OutcomeClassifier.FromException(exception, _invoker.Redactor);
        }

        EndActivity(activity, outcome.Kind == OutcomeKind.Delivered ? 0 : 1);
        Complete(item, outcome, capture);
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
            var activity = StartActivity(batch.Count);
            IReadOnlyList<EventOutcome> outcomes;
            InvocationCapture? capture = null;
            try
            {
                var report = await _invoker.InvokeBatchAsync(events, _abort.Token).ConfigureAwait(false);
                _telemetry.Invocation(Name, batch.Count, report.Duration);
                (outcomes, capture) = (report.Outcomes, report.Capture);
            }
            catch (OperationCanceledException) when (_abort.IsCancellationRequested)
            {
                activity?.Dispose();
                Interlocked.Add(ref _abandoned, batch.Count);
                _inFlight.Remove(batch.Count);
                _busy.Remove(batch.Count);
                return;
            }
            catch (Exception exception)
            {
                outcomes = Enumerable.Repeat(OutcomeClassifier.FromException(exception, _invoker.Redactor), batch.Count).ToArray();
            }

            EndActivity(activity, outcomes.Count(o => o.Kind != OutcomeKind.Delivered));
            // Each event keeps its own record; only those whose status failed are retried.
            for (var i = 0; i < batch.Count; i++)
            {
                Complete(batch[i], outcomes[i], capture);
            }
        }
        finally
        {
            _slots.Release();
        }
    }

    /// <summary>Records an event rejected at intake because this destination was full.</summary>
    internal void RecordQueueFull(SegmentEvent @event)
    {
        // Under overload every send lands here: one warning a second is enough to say so.
        var now = _time.GetUtcNow();
        if (now - new DateTimeOffset(Interlocked.Read(ref _queueFullLoggedTicks), TimeSpan.Zero) >= TimeSpan.FromSeconds(1))
        {
            Interlocked.Exchange(ref _queueFullLoggedTicks, now.UtcTicks);
            Log.Safely(() => Log.QueueFull(_logger, Name, _options.QueueCapacity));
        }

        _telemetry.Rejected(Name, "queue_full");
        Store(NewRecord(@event, PendingEvent.NextSequence(), _queueFullOutcome, DeliveryState.Discarded, attempts: 0, now, now, capture: null));
    }

    /// <summary>Records an event whose destination filter threw: it is discarded for this destination as an Unknown Error.</summary>
    internal void RecordFilterFailure(SegmentEvent @event, Exception exception)
    {
        var now = _time.GetUtcNow();
        var error = OutcomeClassifier.FromException(exception, _invoker.Redactor).Error!;
        var outcome = new EventOutcome(OutcomeKind.Discarded, OutcomeReason.UnknownError, error with { Message = $"The destination filter threw: {error.Message}" });
        _telemetry.Outcome(Name, outcome, expired: false);
        Store(NewRecord(@event, PendingEvent.NextSequence(), outcome, DeliveryState.Discarded, attempts: 0, now, now, capture: null));
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

    private static void EndActivity(Activity? activity, int failed)
    {
        if (activity is null)
        {
            return;
        }

        activity.SetTag("segment.outcome", failed == 0 ? "Delivered" : "Failed");
        activity.SetTag("segment.failed_events", failed);
        if (failed > 0)
        {
            activity.SetStatus(ActivityStatusCode.Error);
        }

        activity.Dispose();
    }

    // One attempt of one event ended: record it, then retry, expire or finish it. Never throws, and
    // whatever fails inside, the event's counts are settled (see the class remarks).
    private void Complete(PendingEvent item, EventOutcome outcome, InvocationCapture? capture)
    {
        var final = true;
        try
        {
            final = Settle(item, outcome, capture);
        }
        catch (Exception exception)
        {
            CompleteFailed(item, capture, exception);
        }
        finally
        {
            _inFlight.Remove();
            if (final)
            {
                // Final: give back the room the event held.
                _room.Release();
            }

            _busy.Remove();
        }
    }

    // A logger or metrics listener that threw must not lose the event: it ends as an Unknown Error.
    // Apart from Complete so the lambda's closure is allocated only when this happens.
    private void CompleteFailed(PendingEvent item, InvocationCapture? capture, Exception exception) =>
        Log.Safely(() =>
        {
            var error = new ErrorInfo(exception.GetType().FullName ?? exception.GetType().Name, _invoker.Redactor.Redact($"Recording the outcome failed: {exception.Message}"));
            var now = _time.GetUtcNow();
            Store(NewRecord(item.Event, item.Sequence, new EventOutcome(OutcomeKind.Discarded, OutcomeReason.UnknownError, error), DeliveryState.Discarded, item.Attempts, item.FirstAttemptAt, now, capture));
            Log.CompleteFailed(_logger, Name, exception);
        });

    /// <returns>False when the event was scheduled for another attempt.</returns>
    private bool Settle(PendingEvent item, EventOutcome outcome, InvocationCapture? capture)
    {
        _health.Add(FailureWindow.IsFailure(outcome));
        var now = _time.GetUtcNow();
        if (outcome.Kind == OutcomeKind.Retry)
        {
            if (_backoff.NextAttempt(item.Attempts, item.FirstAttemptAt, now, outcome.RetryAfter) is { } next)
            {
                _telemetry.Outcome(Name, outcome, expired: false);
                Store(NewRecord(item.Event, item.Sequence, outcome, DeliveryState.Retrying, item.Attempts, item.FirstAttemptAt, now, capture) with { NextAttemptAt = next });
                // Last, after the record, so an attempt that is due at once cannot be recorded before this one.
                _retries.Schedule(item, next);
                return false;
            }

            Log.Expired(_logger, Name, item.Attempts, outcome.Reason.ToDisplayText());
            _telemetry.Outcome(Name, outcome, expired: true);
            Store(NewRecord(item.Event, item.Sequence, outcome, DeliveryState.Expired, item.Attempts, item.FirstAttemptAt, now, capture));
            return true;
        }

        if (outcome.Kind == OutcomeKind.Discarded)
        {
            Log.Discarded(_logger, Name, outcome.Reason.ToDisplayText());
        }

        _telemetry.Outcome(Name, outcome, expired: false);
        Store(NewRecord(item.Event, item.Sequence, outcome, outcome.Kind == OutcomeKind.Delivered ? DeliveryState.Delivered : DeliveryState.Discarded, item.Attempts, item.FirstAttemptAt, now, capture));
        return true;
    }

    private DeliveryRecord NewRecord(SegmentEvent @event, long sequence, EventOutcome outcome, DeliveryState recorded, int attempts, DateTimeOffset first, DateTimeOffset last, InvocationCapture? capture)
    {
        // Logs and traces are kept for failures only (SPEC §7); delivered events need not carry them.
        var failed = recorded != DeliveryState.Delivered && capture is not null;
        return new DeliveryRecord
        {
            Destination = Name,
            MessageId = @event.MessageId ?? "",
            Sequence = sequence,
            EventType = @event.Type,
            State = recorded,
            Reason = outcome.Reason,
            Attempts = attempts,
            FirstAttemptAt = first,
            LastAttemptAt = last,
            Error = outcome.Error,
            // The event itself for every failure, captured or not (a Queue Full discard has no invocation).
            EventJson = recorded == DeliveryState.Delivered ? "" : RecordedEvent.Json(@event, _invoker.Redactor, _options.Invocation.MaxRecordedEventBytes),
            Logs = failed ? capture!.FormatLogs() : "",
            HttpTraces = failed ? capture!.HttpTraces : [],
            OmittedHttpTraces = failed ? capture!.DroppedHttpTraces : 0,
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
            StoreFailed(exception);
        }
    }

    private void StoreFailed(Exception exception) => Log.Safely(() => Log.RecordFailed(_logger, Name, exception));
}
