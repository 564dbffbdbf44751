using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Segment.Functions.Delivery;
using Segment.Functions.Events.Internal;
using Segment.Functions.Pipeline.Internal;
using Segment.Functions.Settings.Internal;
using Segment.Functions.Telemetry.Internal;

namespace Segment.Functions.Hosting.Internal;

/// <summary>
/// The host behind <see cref="ISegmentFunctions"/>: parses input once, routes each event to the
/// destinations that take it, and starts and stops their pipelines (through
/// <see cref="SegmentFunctionsHostedService"/>).
/// </summary>
internal sealed partial class SegmentFunctionsHost : ISegmentFunctions, IDisposable
{
    private readonly DestinationPipeline[] _pipelines;
    private readonly Dictionary<string, DestinationPipeline> _byName;
    private readonly BoundDestination[] _bound;
    private readonly SegmentFunctionsOptions _options;
    private readonly RecordWriter _records;
    private readonly OutcomeRecorder _rejectedInput;
    private readonly SegmentFunctionsTelemetry _telemetry;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly IDeliveryJournal? _journal;
    private int _state; // 0 created, 1 started, 2 stopping or stopped
    private Task<int>? _stop;

    public SegmentFunctionsHost(
        DestinationRegistry registry,
        IOptions<SegmentFunctionsOptions> options,
        IDeliveryStore store,
        IEnumerable<IDeliveryObserver> observers,
        SegmentFunctionsTelemetry telemetry,
        TimeProvider time,
        ILoggerFactory loggerFactory,
        IServiceProvider services)
    {
        // Registered by a storage package (UsePostgreSql); without one, events are kept in memory.
        _journal = (IDeliveryJournal?)services.GetService(typeof(IDeliveryJournal));
        _options = options.Value;
        _telemetry = telemetry;
        _time = time;
        _logger = loggerFactory.CreateLogger("Segment.Functions.Host");
        _records = new RecordWriter(store, _logger);
        var watching = observers.ToArray();
        _bound = registry.Registrations.Select(r => r.Bind(services, _options.Invocation)).ToArray();
        _pipelines = registry.Registrations.Select((r, i) => new DestinationPipeline(
            r.Name,
            _bound[i].Invoker,
            r.Filter,
            _options,
            new OutcomeRecorder(r.Name, _options, _bound[i].Invoker.Redactor, _records, watching, telemetry, time, _logger),
            _journal,
            telemetry,
            time,
            _logger)).ToArray();
        _rejectedInput = new OutcomeRecorder(DeliveryRecord.RejectedInput, _options, SecretRedactor.None, _records, watching, telemetry, time, _logger);
        _byName = _pipelines.ToDictionary(p => p.Name, StringComparer.Ordinal);
        Destinations = _pipelines.Select(p => p.Name).ToArray();
        telemetry.Meter.CreateObservableGauge("segment.functions.queue.depth", () => Observe(static s => s.Queued + s.InFlight), "{event}", "Events queued or being handled, by destination.");
        telemetry.Meter.CreateObservableGauge("segment.functions.retry.backlog", () => Observe(static s => s.WaitingForRetry), "{event}", "Events waiting for their next attempt, by destination.");
    }

    public IReadOnlyList<string> Destinations { get; }

    internal IEnumerable<DestinationPipeline> Pipelines => _pipelines;

    public ValueTask<SendResult> SendAsync(SegmentEvent @event, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(@event);
        return RouteAsync(@event, cancellationToken);
    }

    public ValueTask<SendResult> SendAsync(ReadOnlyMemory<byte> utf8Json, CancellationToken cancellationToken = default) =>
        SendAsync(utf8Json, only: null, cancellationToken);

    public ValueTask<SendResult> SendAsync(SegmentEvent @event, SendOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(@event);
        ArgumentNullException.ThrowIfNull(options);
        return RouteAsync(@event, cancellationToken, options.Destinations);
    }

    public ValueTask<SendResult> SendAsync(ReadOnlyMemory<byte> utf8Json, SendOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        return SendAsync(utf8Json, options.Destinations, cancellationToken);
    }

    public async ValueTask<SendBatchResult> SendBatchAsync(IEnumerable<SegmentEvent> events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        var results = new List<SendResult>();
        foreach (var @event in events)
        {
            results.Add(
                cancellationToken.IsCancellationRequested ? Cancelled(0)
                : @event is null ? Reject("The batch holds a null event.")
                : await RouteAsync(@event, cancellationToken).ConfigureAwait(false));
        }

        return new SendBatchResult(results);
    }

    public async ValueTask<SendBatchResult> SendBatchAsync(ReadOnlyMemory<byte> utf8JsonArray, CancellationToken cancellationToken = default)
    {
        IReadOnlyList<EventParseResult> items;
        try
        {
            items = SegmentEventParser.ParseArray(utf8JsonArray.Span, _options.Parsing);
        }
        catch (InvalidEventPayload e)
        {
            return new SendBatchResult([Reject(e.Message)]);
        }

        var results = new SendResult[items.Count];
        for (var i = 0; i < items.Count; i++)
        {
            results[i] = cancellationToken.IsCancellationRequested ? Cancelled(0)
                : items[i].Event is { } @event ? await RouteAsync(@event, cancellationToken, parsedHere: true).ConfigureAwait(false)
                : Reject($"Event [{i}]: {items[i].Error}");
        }

        return new SendBatchResult(results);
    }

    public DestinationStatus GetStatus(string destination) => Pipeline(destination).Status;

    public DeliveryCounts GetCounts(string destination)
    {
        if (destination == DeliveryRecord.RejectedInput)
        {
            return _journal?.Counts(destination) ?? _rejectedInput.Counts.Snapshot();
        }

        // Throws for an unknown name, whichever reads the counts.
        var pipeline = Pipeline(destination);
        return _journal?.Counts(destination) ?? pipeline.Counts;
    }

    public Task WaitForIdleAsync(CancellationToken cancellationToken = default) =>
        WaitForAllAsync(static p => p.WhenIdle(), cancellationToken);

    public Task WaitForCompletionAsync(CancellationToken cancellationToken = default) =>
        WaitForAllAsync(static p => p.WhenEmpty(), cancellationToken);

    // Every destination at once, and every record written: an event retried on one destination may
    // make another busy again, and a record still on its way to the store is not done yet.
    private async Task WaitForAllAsync(Func<DestinationPipeline, Task> when, CancellationToken cancellationToken)
    {
        while (true)
        {
            var waits = Array.ConvertAll(_pipelines, p => when(p));
            if (Array.TrueForAll(waits, t => t.IsCompleted))
            {
                var written = _records.WhenWritten();
                if (written.IsCompleted)
                {
                    if (_journal is not null)
                    {
                        // What was just completed shows in GetStatus and GetCounts at once.
                        await _journal.RefreshAsync(cancellationToken).ConfigureAwait(false);
                    }

                    return;
                }

                await written.WaitAsync(cancellationToken).ConfigureAwait(false);
                continue;
            }

            await Task.WhenAll(waits).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private DestinationPipeline Pipeline(string destination) =>
        _byName.TryGetValue(destination, out var pipeline)
            ? pipeline
            : throw new ArgumentException($"No destination is named \"{destination}\". Registered: {string.Join(", ", Destinations)}.", nameof(destination));

    internal void Start()
    {
        var invalid = new List<string>();
        for (var i = 0; i < _bound.Length; i++)
        {
            try
            {
                _bound[i].Invoker.ValidateSettings();
            }
            catch (InvalidSettings e)
            {
                invalid.Add($"Destination \"{_pipelines[i].Name}\": {e.Message}");
            }
        }

        if (invalid.Count > 0)
        {
            throw new InvalidOperationException(
                $"Segment.Functions cannot start: {invalid.Count} destination(s) have invalid settings.{Environment.NewLine}{string.Join(Environment.NewLine, invalid)}");
        }

        if (Interlocked.CompareExchange(ref _state, 1, 0) != 0)
        {
            return;
        }

        Log.Starting(_logger, _pipelines.Length, string.Join(", ", Destinations));
        foreach (var pipeline in _pipelines)
        {
            pipeline.Start();
        }
    }

    /// <summary>
    /// Stops intake, drains every destination (queued events, forming batches, retries that fall due)
    /// until the shutdown timeout (or the token), and reports what is left by kind.
    /// </summary>
    /// <returns>How many events were left pending, over all destinations.</returns>
    /// <remarks>A second call (the hosted service and the application both stopping) gets the first call's task.</remarks>
    internal Task<int> StopAsync(CancellationToken cancellationToken)
    {
        lock (_pipelines)
        {
            Volatile.Write(ref _state, 2);
            return _stop ??= StopOnceAsync(cancellationToken);
        }
    }

    private async Task<int> StopOnceAsync(CancellationToken cancellationToken)
    {
        Log.Stopping(_logger, _options.ShutdownTimeout);
        // The deadline runs on the TimeProvider like every other wait; the host's own stop token can cut it short.
        var deadlineAt = _time.GetUtcNow() + _options.ShutdownTimeout;
        using var deadline = new CancellationTokenSource(_options.ShutdownTimeout, _time);
        using var link = cancellationToken.UnsafeRegister(static state => ((CancellationTokenSource)state!).Cancel(), deadline);
        var left = await Task.WhenAll(_pipelines.Select(p => StopOneAsync(p, deadline.Token, deadlineAt))).ConfigureAwait(false);
        try
        {
            // The records of what finished reach the store too, within the same deadline.
            await _records.WhenWritten().WaitAsync(deadline.Token).ConfigureAwait(false);
            if (_journal is not null)
            {
                await _journal.StopAsync(deadline.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            _records.GiveUp();
        }

        Log.Stopped(_logger);
        return left.Sum();
    }

    // One destination failing to stop must not keep the others from stopping and reporting.
    private async Task<int> StopOneAsync(DestinationPipeline pipeline, CancellationToken deadline, DateTimeOffset deadlineAt)
    {
        try
        {
            return await pipeline.StopAsync(deadline, deadlineAt).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            Log.StopFailed(_logger, pipeline.Name, exception);
            return pipeline.Status.Pending;
        }
    }

    public void Dispose()
    {
        for (var i = 0; i < _pipelines.Length; i++)
        {
            _pipelines[i].Dispose();
            try
            {
                switch (_bound[i].Function)
                {
                    case IDisposable disposable:
                        disposable.Dispose();
                        break;
                    case IAsyncDisposable asyncDisposable:
                        asyncDisposable.DisposeAsync().AsTask().GetAwaiter().GetResult();
                        break;
                }
            }
            catch (Exception exception)
            {
                Log.DisposeFailed(_logger, _pipelines[i].Name, exception);
            }
        }
    }

    /// <summary>Routes an event, to only the named destinations when <paramref name="only"/> is given (a write key's subset).</summary>
    private ValueTask<SendResult> SendAsync(ReadOnlyMemory<byte> utf8Json, IReadOnlySet<string>? only, CancellationToken cancellationToken)
    {
        var parsed = SegmentEventParser.ParseEvent(utf8Json.Span, _options.Parsing);
        return parsed.Event is { } @event
            ? RouteAsync(@event, cancellationToken, only, parsedHere: true)
            : ValueTask.FromResult(Reject(parsed.Error!));
    }

    private async ValueTask<SendResult> RouteAsync(SegmentEvent @event, CancellationToken cancellationToken, IReadOnlySet<string>? only = null, bool parsedHere = false)
    {
        if (Volatile.Read(ref _state) == 2)
        {
            _telemetry.Rejected(null, "stopped");
            return new SendResult(SendStatus.Stopped, 0, "The Segment.Functions host is stopping or stopped.");
        }

        // Decided once, before anything is queued: which destinations take the event.
        var (first, more) = Targets(@event, only);
        if (_journal is not null)
        {
            return await AppendAsync(@event, first, more, parsedHere, cancellationToken).ConfigureAwait(false);
        }

        // An event the host parsed itself, going to one destination, is held by nothing else.
        var owned = parsedHere && more is null;
        var routed = 0;
        List<string>? full = null;
        for (var i = 0; first is not null && i <= (more?.Count ?? 0); i++)
        {
            var pipeline = i == 0 ? first : more![i - 1];
            switch (await pipeline.EnqueueAsync(@event, owned, cancellationToken).ConfigureAwait(false))
            {
                case SendStatus.Accepted:
                    routed++;
                    break;
                case SendStatus.QueueFull:
                    (full ??= []).Add(pipeline.Name);
                    break;
                case SendStatus.Cancelled:
                    return Cancelled(routed);
                default:
                    _telemetry.Rejected(pipeline.Name, "stopped");
                    return new SendResult(SendStatus.Stopped, routed, "The Segment.Functions host is stopping or stopped.");
            }
        }

        return full is null
            ? new SendResult(SendStatus.Accepted, routed)
            : new SendResult(SendStatus.QueueFull, routed, $"Full (QueueCapacity {_options.QueueCapacity}, FullMode Reject): {string.Join(", ", full)}.");
    }

    // The destinations whose integrations rule and filter let the event through; a filter that throws is recorded.
    private (DestinationPipeline? First, List<DestinationPipeline>? More) Targets(SegmentEvent @event, IReadOnlySet<string>? only)
    {
        DestinationPipeline? first = null;
        List<DestinationPipeline>? more = null;
        foreach (var pipeline in _pipelines)
        {
            if (only is not null && !only.Contains(pipeline.Name))
            {
                continue;
            }

            bool accepts;
            try
            {
                accepts = pipeline.Accepts(@event);
            }
            catch (Exception exception)
            {
                pipeline.Recorder.RecordFilterFailure(@event, exception);
                continue;
            }

            if (accepts)
            {
                if (first is null)
                {
                    first = pipeline;
                }
                else
                {
                    (more ??= []).Add(pipeline);
                }
            }
        }

        return (first, more);
    }

    private static SendResult Cancelled(int routed) =>
        new(SendStatus.Cancelled, routed, $"Cancelled while waiting for room; {routed} destination(s) had already taken the event.");

    // Input that never became an event is recorded too, under its own name, so nothing disappears silently.
    private SendResult Reject(string error)
    {
        Log.Safely(() => Log.RejectedInput(_logger, error));
        _telemetry.Rejected(null, "invalid");
        _rejectedInput.RecordRejectedInput(error);
        return new SendResult(SendStatus.Invalid, 0, error);
    }

    private IEnumerable<System.Diagnostics.Metrics.Measurement<int>> Observe(Func<DestinationStatus, int> value)
    {
        foreach (var pipeline in _pipelines)
        {
            yield return new(value(pipeline.Status), new KeyValuePair<string, object?>("destination", pipeline.Name));
        }
    }
}
