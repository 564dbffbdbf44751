using Microsoft.Extensions.Logging;
using Segment.Functions.Delivery;
using Segment.Functions.Dispatch.Internal;
using Segment.Functions.Hosting;
using Segment.Functions.Telemetry.Internal;

namespace Segment.Functions.Pipeline.Internal;

/// <summary>
/// One destination, put together: its <see cref="IDeliveryQueue"/>, its <see cref="DestinationWorkers"/>
/// (with a <see cref="BatchFormer"/> when it defines <c>OnBatch</c>) and its <see cref="OutcomeRecorder"/>.
/// It routes intake to the queue and runs the stop: intake closes, what is queued and what falls due
/// before the deadline is delivered, then what is left is reported.
/// </summary>
internal sealed class DestinationPipeline : IDisposable
{
    private readonly Func<SegmentEvent, bool>? _filter;
    private readonly IDeliveryQueue _queue;
    private readonly DestinationWorkers _workers;
    private readonly BatchFormer? _former;
    private readonly OutcomeRecorder _recorder;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SegmentFunctionsTelemetry _telemetry;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private Task<int>? _stop;
    private bool _started;

    /// <summary>Puts the destination together; its workers start with <see cref="Start"/>.</summary>
    /// <param name="name">The destination's name.</param>
    /// <param name="invoker">Runs its handlers.</param>
    /// <param name="filter">Its filter, if any.</param>
    /// <param name="options">The host's options.</param>
    /// <param name="recorder">Decides and records its outcomes.</param>
    /// <param name="journal">Durable storage to keep the events in; null keeps them in memory.</param>
    /// <param name="telemetry">Metrics and traces.</param>
    /// <param name="time">The clock of every wait.</param>
    /// <param name="logger">The host's logger.</param>
    public DestinationPipeline(string name, IFunctionInvoker invoker, Func<SegmentEvent, bool>? filter, SegmentFunctionsOptions options, OutcomeRecorder recorder, IDeliveryJournal? journal, SegmentFunctionsTelemetry telemetry, TimeProvider time, ILogger logger)
    {
        Name = name;
        _filter = filter;
        _recorder = recorder;
        _telemetry = telemetry;
        _time = time;
        _logger = logger;
        _queue = journal is null
            ? new MemoryDeliveryQueue(name, options.QueueCapacity, options.FullMode, time)
            : new DurableDeliveryQueue(name, journal, ClaimSizes.For(invoker.SupportsBatching, options.Batching.MaxSize), options.Parsing, recorder, time, logger);
        _former = invoker.SupportsBatching ? new BatchFormer(_queue, options.Batching, time, _stopping.Token) : null;
        _workers = new DestinationWorkers(name, options.MaxConcurrency, _queue, _former, invoker, recorder, options, telemetry, time, logger);
    }

    public string Name { get; }

    public DestinationStatus Status => _queue.Status;

    public DeliveryCounts Counts => _recorder.Counts.Snapshot();

    /// <summary>Attempts in the health window, and how many of them failed.</summary>
    public (int Attempts, int Failures) Health => _recorder.Health;

    /// <summary>Set when a worker died of an unexpected error (a bug): the health check reports it.</summary>
    public Exception? WorkerFailure => _workers.Failure;

    public OutcomeRecorder Recorder => _recorder;

    /// <summary>The queue, for room reserved ahead (<see cref="ISegmentFunctions.SendAllOrNoneAsync"/>).</summary>
    public IDeliveryQueue Queue => _queue;

    /// <summary>Whether the event's <c>integrations</c> object and this destination's filter let it through.</summary>
    /// <exception cref="Exception">Whatever the filter threw.</exception>
    public bool Accepts(SegmentEvent @event) => IntegrationsRule.Allows(@event, Name) && (_filter?.Invoke(@event) ?? true);

    /// <summary>Queues the event, waiting for room or not as <see cref="SegmentFunctionsOptions.FullMode"/> says; a rejection is recorded.</summary>
    /// <param name="event">The event.</param>
    /// <param name="owned">Nothing else holds the event (see <see cref="PendingEvent.Owned"/>).</param>
    /// <param name="cancellationToken">Stops waiting for room.</param>
    public ValueTask<SendStatus> EnqueueAsync(SegmentEvent @event, bool owned, CancellationToken cancellationToken)
    {
        var enqueued = _queue.EnqueueAsync(new PendingEvent(@event, _time.GetUtcNow(), owned), cancellationToken);
        if (enqueued.IsCompletedSuccessfully && enqueued.Result == SendStatus.QueueFull)
        {
            _recorder.RecordQueueFull(@event);
        }

        return enqueued;
    }

    /// <inheritdoc cref="IDeliveryQueue.EnqueueReserved"/>
    public SendStatus WriteReserved(SegmentEvent @event) => _queue.EnqueueReserved(new PendingEvent(@event, _time.GetUtcNow(), owned: false));

    public void Start()
    {
        lock (_gate)
        {
            if (!_started && _stop is null)
            {
                _started = true;
                _queue.Start();
                _workers.Start();
            }
        }
    }

    /// <summary>Completes when nothing is queued or being handled here.</summary>
    public Task WhenIdle() => _queue.WhenIdle();

    /// <summary>Completes when nothing is pending here at all, retries included.</summary>
    public Task WhenEmpty() => _queue.WhenEmpty();

    /// <summary>
    /// Stops taking events and keeps delivering until nothing is left or <paramref name="deadline"/> is
    /// cancelled: what is queued, batches being formed (sent at once) and retries that fall due before
    /// <paramref name="deadlineAt"/>. Then cancels what still runs and reports what is left.
    /// </summary>
    /// <returns>How many events were left without a final outcome. A second call returns the first call's task.</returns>
    public Task<int> StopAsync(CancellationToken deadline, DateTimeOffset deadlineAt)
    {
        lock (_gate)
        {
            return _stop ??= StopOnceAsync(deadline, deadlineAt);
        }
    }

    public void Dispose()
    {
        _stopping.Cancel();
        _workers.Abort();
        _queue.Dispose();
        _workers.Dispose();
        _former?.Dispose();
    }

    private async Task<int> StopOnceAsync(CancellationToken deadline, DateTimeOffset deadlineAt)
    {
        _queue.CloseIntake();
        _stopping.Cancel();
        using (deadline.UnsafeRegister(static state => ((DestinationPipeline)state!).Abort(), this))
        {
            if (_started)
            {
                await _queue.DrainAsync(deadline, deadlineAt).ConfigureAwait(false);
            }

            // From here nothing leaves the retry schedule, and the workers end.
            _queue.Complete();
            await _workers.WhenStopped().ConfigureAwait(false);
        }

        var status = _queue.LeftHere;
        if (status.Pending > 0)
        {
            Log.LeftPending(_logger, Name, status.Pending, status.Queued, status.InFlight, status.WaitingForRetry);
            _telemetry.PendingAtShutdown(Name, status);
        }

        return status.Pending;
    }

    // At the deadline: nothing new starts, what runs is cancelled and stays pending.
    private void Abort()
    {
        _workers.Abort();
        _queue.Complete();
    }
}
