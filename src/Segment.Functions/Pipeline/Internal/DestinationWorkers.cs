using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Segment.Functions.Dispatch.Internal;
using Segment.Functions.Hosting;
using Segment.Functions.Telemetry.Internal;

namespace Segment.Functions.Pipeline.Internal;

/// <summary>
/// A destination's workers: <see cref="Hosting.SegmentFunctionsOptions.MaxConcurrency"/> loops, each
/// running one invocation at a time — a single event from the queue, or a batch from the
/// <see cref="BatchFormer"/> — on the destination's own threads, under one watchdog for their timeouts.
/// Each outcome goes to the <see cref="OutcomeRecorder"/>, and its decision settles the event in the queue.
/// </summary>
/// <remarks>
/// <para>Isolation: a handler runs on <see cref="DestinationThreads"/>, never on the thread pool, so one
/// that blocks its thread holds only its own destination's slot.</para>
/// <para>A handler still blocked in its call at its timeout is taken over: its events are recorded as
/// timed out, and a new loop (on a new thread) takes its slot; the blocked loop ends when its call
/// returns. A handler that returned a task and ignores its token is abandoned at the timeout the
/// same way, without needing a new thread.</para>
/// </remarks>
internal sealed class DestinationWorkers : IDisposable
{
    private readonly string _name;
    private readonly IDeliveryQueue _queue;
    private readonly BatchFormer? _former;
    private readonly IFunctionInvoker _invoker;
    private readonly OutcomeRecorder _recorder;
    private readonly SegmentFunctionsTelemetry _telemetry;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private static readonly int SpinsBeforeParking = Environment.ProcessorCount == 1 ? 20 : 0;
    private readonly TimeSpan _timeout;
    private readonly EventParseOptions _parsing;
    private readonly DestinationThreads _threads;
    private readonly InvocationWatchdog _watchdog;
    private readonly Lock _gate = new();
    // The live loops by slot; a taken-over loop leaves at once (a stop does not wait for a blocked handler).
    private readonly Dictionary<InvocationSlot, Task> _loops = [];
    private InvocationSlot[] _slots = [];
    private volatile bool _aborted;

    public DestinationWorkers(
        string name,
        int concurrency,
        IDeliveryQueue queue,
        BatchFormer? former,
        IFunctionInvoker invoker,
        OutcomeRecorder recorder,
        SegmentFunctionsOptions options,
        SegmentFunctionsTelemetry telemetry,
        TimeProvider time,
        ILogger logger)
    {
        _name = name;
        Concurrency = concurrency;
        _queue = queue;
        _former = former;
        _invoker = invoker;
        _recorder = recorder;
        _timeout = options.Invocation.Timeout;
        _parsing = options.Parsing;
        _telemetry = telemetry;
        _time = time;
        _logger = logger;
        _threads = new DestinationThreads(name, concurrency);
        _watchdog = new InvocationWatchdog(time, _timeout, () => Volatile.Read(ref _slots), TimeUp);
    }

    public int Concurrency { get; }

    /// <summary>Set when a loop died of an unexpected error (a bug): the health check reports it.</summary>
    public Exception? Failure { get; private set; }

    /// <summary>Starts the loops.</summary>
    public void Start()
    {
        for (var i = 0; i < Concurrency; i++)
        {
            StartLoop();
        }
    }

    /// <summary>Completes when every loop has ended (the queue completed, or the deadline passed).</summary>
    public Task WhenStopped()
    {
        lock (_gate)
        {
            return Task.WhenAll(_loops.Values);
        }
    }

    /// <summary>The stop's deadline passed: nothing new starts, and running invocations are cancelled and left pending.</summary>
    public void Abort()
    {
        _aborted = true;
        foreach (var slot in Volatile.Read(ref _slots))
        {
            slot.Cancel(slot.StartedAt, aborted: true);
        }
    }

    public void Dispose()
    {
        _watchdog.Dispose();
        _threads.Dispose();
    }

    private void StartLoop()
    {
        var slot = new InvocationSlot();
        lock (_gate)
        {
            _slots = [.. _slots, slot];
            // On the destination's threads: everything the loop awaits comes back to them.
            _loops.Add(slot, Task.Factory.StartNew(() => RunAsync(slot), CancellationToken.None, TaskCreationOptions.DenyChildAttach, _threads).Unwrap());
        }
    }

    private void RemoveSlot(InvocationSlot slot)
    {
        lock (_gate)
        {
            _slots = [.. _slots.Where(s => s != slot)];
            _loops.Remove(slot);
        }
    }

    // The awaits here keep their context (ConfigureAwait(true)): the loop stays on the destination's threads.
    private async Task RunAsync(InvocationSlot slot)
    {
        try
        {
            while (!_aborted)
            {
                bool goOn;
                if (_former is not null)
                {
                    if (await _former.NextAsync().ConfigureAwait(true) is not { } batch)
                    {
                        return;
                    }

                    if (_aborted)
                    {
                        // The deadline passed while it was formed: it stays pending.
                        _queue.Abandon(batch.Count);
                        return;
                    }

                    goOn = batch.Count == 1
                        ? await RunSingleAsync(slot, batch[0]).ConfigureAwait(true)
                        : await RunBatchAsync(slot, batch).ConfigureAwait(true);
                }
                else if (_queue.TryTake(out var item))
                {
                    goOn = await RunSingleAsync(slot, item).ConfigureAwait(true);
                }
                else if (SpinForWork())
                {
                    goOn = true;
                }
                else
                {
                    goOn = await _queue.WaitToTakeAsync(CancellationToken.None).ConfigureAwait(true);
                }

                if (!goOn)
                {
                    return;
                }
            }
        }
        catch (Exception exception)
        {
            // A bug, not a state to recover from: say so loudly; the events stay counted as pending.
            Failure = exception;
            Log.ReaderFailed(_logger, _name, exception);
        }
    }

    // On one processor, before parking, yield to the senders a few times: waking a parked worker
    // costs a thread switch per event there, and after a yield the worker finds several waiting.
    // On more processors the wake-up is cheaper than a core spent spinning (measured both ways).
    private bool SpinForWork()
    {
        var spin = default(SpinWait);
        for (var i = 0; i < SpinsBeforeParking; i++)
        {
            spin.SpinOnce(sleep1Threshold: -1);
            if (_queue.MayHaveQueued)
            {
                return true;
            }
        }

        return false;
    }

    /// <returns>False when this loop must end (its invocation was taken over).</returns>
    private async ValueTask<bool> RunSingleAsync(InvocationSlot slot, PendingEvent item)
    {
        Begin(item);
        var activity = StartActivity(1);
        slot.Begin(item, _time.GetTimestamp());
        _watchdog.Watch();
        var running = _invoker.InvokeWatchedAsync(ForHandler(item), slot.TimeoutToken);
        if (!slot.Returned())
        {
            Overran(running);
            return false;
        }

        EventOutcome outcome;
        InvocationCapture? capture = null;
        try
        {
            var report = await running.ConfigureAwait(true);
            _telemetry.Invocation(_name, 1, report.Duration);
            (outcome, capture) = (report.Outcome, report.Capture);
        }
        catch (Exception exception)
        {
            // The invoker maps every handler failure to an outcome; this is a last guard so the event is never lost.
            outcome = OutcomeClassifier.FromException(exception, _invoker.Redactor);
        }

        var aborted = slot.Aborted && outcome.Reason == OutcomeReason.Timeout;
        slot.End();
        if (aborted)
        {
            // The stop's deadline cut it short: the event stays pending, reported as in flight.
            activity?.Dispose();
            _queue.Abandon(1);
            return true;
        }

        EndActivity(activity, outcome.Kind == OutcomeKind.Delivered ? 0 : 1);
        Restore(item, outcome);
        _queue.Settle(item, _recorder.Decide(item, outcome, capture));
        return true;
    }

    private async ValueTask<bool> RunBatchAsync(InvocationSlot slot, List<PendingEvent> batch)
    {
        var events = new SegmentEvent[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            Begin(batch[i]);
            events[i] = ForHandler(batch[i]);
        }

        _telemetry.Batch(_name, batch.Count);
        var activity = StartActivity(batch.Count);
        slot.Begin(batch, _time.GetTimestamp());
        _watchdog.Watch();
        var running = _invoker.InvokeBatchWatchedAsync(events, slot.TimeoutToken);
        if (!slot.Returned())
        {
            Overran(running);
            return false;
        }

        IReadOnlyList<EventOutcome> outcomes;
        InvocationCapture? capture = null;
        try
        {
            var report = await running.ConfigureAwait(true);
            _telemetry.Invocation(_name, batch.Count, report.Duration);
            (outcomes, capture) = (report.Outcomes, report.Capture);
        }
        catch (Exception exception)
        {
            outcomes = Enumerable.Repeat(OutcomeClassifier.FromException(exception, _invoker.Redactor), batch.Count).ToArray();
        }

        var aborted = slot.Aborted && outcomes[0].Reason == OutcomeReason.Timeout;
        slot.End();
        if (aborted)
        {
            activity?.Dispose();
            _queue.Abandon(batch.Count);
            return true;
        }

        EndActivity(activity, outcomes.Count(o => o.Kind != OutcomeKind.Delivered));
        // Each event keeps its own record; only those whose status failed are retried.
        for (var i = 0; i < batch.Count; i++)
        {
            Restore(batch[i], outcomes[i]);
            _queue.Settle(batch[i], _recorder.Decide(batch[i], outcomes[i], capture));
        }

        return true;
    }

    // The handler gets the instance itself when nothing else holds it, else its own copy: one
    // destination's handler changing its event must not change it for another.
    private static SegmentEvent ForHandler(PendingEvent item) => item.Owned ? item.Event : item.Event.CopyForHandler();

    // After a failed attempt on the instance itself, the record and the retry get the event as it came.
    private void Restore(PendingEvent item, EventOutcome outcome)
    {
        if (item.Owned && outcome.Kind != OutcomeKind.Delivered)
        {
            item.Event = item.Event.Reparsed(_parsing);
        }
    }

    private void Begin(PendingEvent item)
    {
        // A claimed event brings its first attempt's time from storage (the window spans restarts).
        if (item.Attempts++ == 0 && item.Lease is null)
        {
            item.FirstAttemptAt = _time.GetUtcNow();
        }
    }

    // From the watchdog's timer: the invocation that started at `started` is past its timeout.
    private void TimeUp(InvocationSlot slot, long started)
    {
        slot.Cancel(started, aborted: false);
        if (!slot.TryTakeOver(started))
        {
            // It returned its task: the token just cancelled ends its wait, and its loop records the timeout.
            return;
        }

        // Still blocked in its call: record its events as timed out here and give the slot to a new loop.
        Log.Safely(() => Log.HandlerOverran(_logger, _name, _timeout));
        var outcome = OutcomeClassifier.Timeout(_timeout);
        foreach (var item in slot.Events)
        {
            Restore(item, outcome);
            _queue.Settle(item, _recorder.Decide(item, outcome, capture: null));
        }

        RemoveSlot(slot);
        _threads.AdjustBudget(1);
        if (!_aborted)
        {
            StartLoop();
        }
    }

    // The loop of a taken-over invocation, once its call finally returned: it gives back its thread.
    private void Overran(ValueTask<InvocationReport> running)
    {
        _ = running.AsTask().ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        _threads.AdjustBudget(-1);
    }

    private Activity? StartActivity(int events)
    {
        var activity = SegmentFunctionsTelemetry.ActivitySource.StartActivity("segment.functions.invoke");
        activity?.SetTag("segment.destination", _name);
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
}
