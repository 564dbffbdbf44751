using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Segment.Functions.Batching.Internal;
using Segment.Functions.Delivery;
using Segment.Functions.Delivery.Internal;
using Segment.Functions.Dispatch.Internal;
using Segment.Functions.Retries.Internal;
using Segment.Functions.Telemetry.Internal;

namespace Segment.Functions.Hosting.Internal;

/// <summary>
/// Everything one destination runs: a bounded queue, a reader that batches or dispatches, up to
/// <see cref="SegmentFunctionsOptions.MaxConcurrency"/> invocations at a time, the retry schedule,
/// and the recording of outcomes. This file holds intake and lifecycle; the reading loops and the
/// outcome handling are in the other parts of the class.
/// </summary>
/// <remarks>
/// <para>Memory is bounded by <c>_room</c>: an event takes a unit of room when it is queued and gives it
/// back only at its final outcome, so queued + in flight + waiting for retry never passes
/// <see cref="SegmentFunctionsOptions.QueueCapacity"/>. The channel has the same capacity, so a write
/// that got room always fits.</para>
/// <para><c>_busy</c> counts events queued or being handled, for <see cref="ISegmentFunctions.WaitForIdleAsync"/>;
/// a partly filled batch waiting for its time limit, or an event waiting its low-volume grace, is
/// "parked" out of it.</para>
/// </remarks>
internal sealed partial class DestinationPipeline : IDisposable
{
    private readonly IFunctionInvoker _invoker;
    private readonly Func<SegmentEvent, bool>? _filter;
    private readonly SegmentFunctionsOptions _options;
    private readonly IDeliveryStore _store;
    private readonly SegmentFunctionsTelemetry _telemetry;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly RetryBackoff _backoff;
    private readonly Channel<PendingEvent> _queue;
    private readonly SemaphoreSlim _room;
    private readonly SemaphoreSlim _slots;
    private readonly IdleSignal _busy = new();
    private readonly IdleSignal _inFlight = new();
    private readonly RetryScheduler<PendingEvent> _retries;
    private readonly FailureWindow _health;
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationTokenSource _abort = new();
    private readonly EventOutcome _queueFullOutcome;
    private Task? _reader;
    private Task<int>? _stop;
    private long _queueFullLoggedTicks;
    // Events whose invocation was cancelled at the stop deadline: still pending, reported as in flight.
    private int _abandoned;
    // Set while a stop drains: completed when a retry re-enters the queue (see DrainAsync).
    private TaskCompletionSource? _retryReentered;
    private readonly Lock _parkGate = new();
    private int _parked;
    private bool _timeUp;

    public DestinationPipeline(
        string name,
        IFunctionInvoker invoker,
        Func<SegmentEvent, bool>? filter,
        SegmentFunctionsOptions options,
        IDeliveryStore store,
        SegmentFunctionsTelemetry telemetry,
        TimeProvider time,
        ILogger logger,
        Func<double>? random = null)
    {
        Name = name;
        _invoker = invoker;
        _filter = filter;
        _options = options;
        _store = store;
        _telemetry = telemetry;
        _time = time;
        _logger = logger;
        _backoff = new RetryBackoff(options.Retry, random);
        // One reader forms batches; single-event destinations have MaxConcurrency workers reading.
        _queue = Channel.CreateBounded<PendingEvent>(new BoundedChannelOptions(options.QueueCapacity) { SingleReader = invoker.SupportsBatching });
        _room = new SemaphoreSlim(options.QueueCapacity, options.QueueCapacity);
        _slots = new SemaphoreSlim(options.MaxConcurrency, options.MaxConcurrency);
        _retries = new RetryScheduler<PendingEvent>(time, OnRetryDue);
        _health = new FailureWindow(options.Health.Window);
        _queueFullOutcome = new EventOutcome(OutcomeKind.Discarded, OutcomeReason.QueueFull, new ErrorInfo("QueueFull",
            $"Destination \"{name}\" already holds {options.QueueCapacity} events (SegmentFunctionsOptions.QueueCapacity) and FullMode is Reject."));
    }

    public string Name { get; }

    public bool SupportsBatching => _invoker.SupportsBatching;

    public DestinationStatus Status
    {
        get
        {
            var retrying = _retries.Count;
            var inFlight = _inFlight.Count + Volatile.Read(ref _abandoned);
            var pending = _options.QueueCapacity - _room.CurrentCount;
            return new DestinationStatus(Name, Math.Max(0, pending - inFlight - retrying), inFlight, retrying);
        }
    }

    /// <summary>Attempts in the health window, and how many of them failed.</summary>
    public (int Attempts, int Failures) Health => _health.Snapshot();

    /// <summary>Set when the reading loop died of an unexpected error (a bug): the health check reports it.</summary>
    public Exception? ReaderFailure { get; private set; }

    /// <summary>Whether the event's <c>integrations</c> object and this destination's filter let it through.</summary>
    /// <exception cref="Exception">Whatever the filter threw.</exception>
    public bool Accepts(SegmentEvent @event) => IntegrationsRule.Allows(@event, Name) && (_filter?.Invoke(@event) ?? true);

    /// <summary>Queues the event, waiting for room or not as <see cref="SegmentFunctionsOptions.FullMode"/> says.</summary>
    public ValueTask<SendStatus> EnqueueAsync(SegmentEvent @event, CancellationToken cancellationToken)
    {
        if (_stopping.IsCancellationRequested)
        {
            return ValueTask.FromResult(SendStatus.Stopped);
        }

        if (_room.Wait(0))
        {
            return ValueTask.FromResult(Write(@event));
        }

        if (_options.FullMode == QueueFullMode.Reject)
        {
            RecordQueueFull(@event);
            return ValueTask.FromResult(SendStatus.QueueFull);
        }

        return WaitForRoomAsync(@event, cancellationToken);
    }

    /// <summary>Starts the reading loop.</summary>
    public void Start() => _reader ??= Task.Run(ReadAsync);

    /// <summary>
    /// Stops taking events and keeps delivering until nothing is left or <paramref name="deadline"/>
    /// is cancelled: what is queued, batches being formed (sent at once) and retries that fall due
    /// before <paramref name="deadlineAt"/> (they re-enter the queue). Then cancels what still runs
    /// and reports what is left by kind.
    /// </summary>
    /// <returns>How many events were left without a final outcome.</returns>
    /// <remarks>A second call returns the first call's task.</remarks>
    public Task<int> StopAsync(CancellationToken deadline, DateTimeOffset deadlineAt)
    {
        lock (_parkGate)
        {
            return _stop ??= StopOnceAsync(deadline, deadlineAt);
        }
    }

    private async Task<int> StopOnceAsync(CancellationToken deadline, DateTimeOffset deadlineAt)
    {
        // Intake closes first; the queue stays open so that due retries can still re-enter it.
        _stopping.Cancel();
        using (deadline.UnsafeRegister(static state => ((CancellationTokenSource)state!).Cancel(), _abort))
        {
            // A pipeline that never started has nothing that would move: no need to wait.
            if (_reader is not null)
            {
                await DrainAsync(deadline, deadlineAt).ConfigureAwait(false);
            }

            // From here nothing leaves the retry schedule: what waits there is reported as waiting for retry.
            _retries.Dispose();
            _queue.Writer.TryComplete();
            if (_reader is { } reader)
            {
                await reader.ConfigureAwait(false);
            }
        }

        // What is left will not move any more: waiters for idle must not wait for it.
        _busy.Reset();
        var status = Status;
        if (status.Pending > 0)
        {
            Log.LeftPending(_logger, Name, status.Pending, status.Queued, status.InFlight, status.WaitingForRetry);
            _telemetry.PendingAtShutdown(Name, status);
        }

        return status.Pending;
    }

    // Waits until nothing is queued or running and no retry falls due before the deadline (or it passes).
    // Woken by each retry that re-enters the queue; every other change shows in the busy count.
    private async Task DrainAsync(CancellationToken deadline, DateTimeOffset deadlineAt)
    {
        try
        {
            while (true)
            {
                // Installed before looking, so a retry that re-enters meanwhile is not missed.
                var reentered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                Volatile.Write(ref _retryReentered, reentered);
                await _busy.WhenIdle().WaitAsync(deadline).ConfigureAwait(false);
                if (_retries.NextDue is not { } due || due > deadlineAt)
                {
                    return;
                }

                await reentered.Task.WaitAsync(deadline).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            // The deadline: what is left is reported.
        }
    }

    /// <summary>Completes when nothing is queued or being handled here.</summary>
    public Task WhenIdle() => _busy.WhenIdle();

    public void Dispose()
    {
        _stopping.Cancel();
        _abort.Cancel();
        _queue.Writer.TryComplete();
        _retries.Dispose();
    }

    private async ValueTask<SendStatus> WaitForRoomAsync(SegmentEvent @event, CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
        try
        {
            await _room.WaitAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return cancellationToken.IsCancellationRequested ? SendStatus.Cancelled : SendStatus.Stopped;
        }

        return Write(@event);
    }

    // The caller holds a unit of room for the event.
    private SendStatus Write(SegmentEvent @event)
    {
        _busy.Add();
        if (_queue.Writer.TryWrite(new PendingEvent(this, @event)))
        {
            return SendStatus.Accepted;
        }

        // Only a completed channel refuses a write that has room: the host is stopping.
        _busy.Remove();
        _room.Release();
        return SendStatus.Stopped;
    }

    // From the retry timer: the event already holds its room.
    private void OnRetryDue(PendingEvent item)
    {
        _busy.Add();
        if (!_queue.Writer.TryWrite(item))
        {
            // Stopped: the event stays pending (it keeps its room, so it is counted as left over).
            _busy.Remove();
        }

        // A stop that is draining waits for this.
        Volatile.Read(ref _retryReentered)?.TrySetResult();
    }
}
