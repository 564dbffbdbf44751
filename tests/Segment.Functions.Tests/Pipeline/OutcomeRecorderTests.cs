using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using Segment.Functions.Delivery;
using Segment.Functions.Hosting;
using Segment.Functions.Pipeline.Internal;
using Segment.Functions.Settings.Internal;
using Segment.Functions.Telemetry.Internal;
using Segment.Functions.Tests.Hosting;

namespace Segment.Functions.Tests.Pipeline;

/// <summary>The recorder on its own, on the fake clock: each decision, the counts, the records, the observers, and that it never throws.</summary>
[FixtureLifeCycle(LifeCycle.InstancePerTestCase)]
public sealed class OutcomeRecorderTests : IDisposable
{
    private const string Secret = "sk_live_s3cret";
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly EventOutcome RetryOutcome = new(OutcomeKind.Retry, OutcomeReason.Retry, new ErrorInfo("RetryError", "try later"));

    private readonly FakeTimeProvider _time = new(Start);
    private readonly CallRecordingStore _store = new();
    private readonly FakeLogger _logger = new();
    private readonly TestMeterFactory _meters = new();
    private readonly List<DeliveryRecord> _observed = [];
    private readonly SegmentFunctionsOptions _options = new()
    {
        QueueCapacity = 10,
        Retry = new() { InitialDelay = TimeSpan.FromSeconds(10), Multiplier = 2, MaxDelay = TimeSpan.FromHours(1), RetryWindow = TimeSpan.FromHours(4) },
        Health = new() { Window = 4 },
    };

    public void Dispose() => _meters.Dispose();

    [Test]
    public void Decide_Delivered_IsFinalCountedAndRecordedWithoutTheEvent()
    {
        var recorder = NewRecorder();
        var item = Attempted(attempts: 1);

        var next = recorder.Decide(item, EventOutcome.Delivered, capture: null);

        Assert.That(next, Is.Null);
        Assert.That(recorder.Counts.Snapshot().Delivered, Is.EqualTo(1));
        var record = _store.Records.Single();
        Assert.That(record.State, Is.EqualTo(DeliveryState.Delivered));
        Assert.That(record.Sequence, Is.EqualTo(item.Sequence));
        Assert.That(record.Destination, Is.EqualTo("d"));
        Assert.That(record.MessageId, Is.EqualTo("m-1"));
        Assert.That(record.Attempts, Is.EqualTo(1));
        Assert.That(record.EventJson, Is.Empty, "delivered events are not kept");
        Assert.That(_observed, Is.EqualTo(new[] { record }));
    }

    [Test]
    public void Decide_Discarded_IsFinalCountedByReasonAndKeepsTheEvent()
    {
        var recorder = NewRecorder();
        var outcome = new EventOutcome(OutcomeKind.Discarded, OutcomeReason.MessageRejected, new ErrorInfo("ValidationError", "no"));

        var next = recorder.Decide(Attempted(attempts: 1), outcome, capture: null);

        Assert.That(next, Is.Null);
        var counts = recorder.Counts.Snapshot();
        Assert.That(counts.Discarded, Is.EqualTo(new Dictionary<OutcomeReason, long> { [OutcomeReason.MessageRejected] = 1 }));
        Assert.That(counts.Delivered, Is.Zero);
        var record = _store.Records.Single();
        Assert.That(record.State, Is.EqualTo(DeliveryState.Discarded));
        Assert.That(record.Reason, Is.EqualTo(OutcomeReason.MessageRejected));
        Assert.That(record.Error, Is.EqualTo(new ErrorInfo("ValidationError", "no")));
        Assert.That(record.EventJson, Does.Contain("m-1"));
    }

    [Test]
    public void Decide_Retry_ReturnsTheBackoffTimeAndCountsTheEventAsRetryingOnce()
    {
        var recorder = NewRecorder(random: () => 0.5);
        var item = Attempted(attempts: 1);

        var next = recorder.Decide(item, RetryOutcome, capture: null);

        // Full jitter: half of the first bound (InitialDelay) with the random fixed at 0.5.
        Assert.That(next, Is.EqualTo(Start.AddSeconds(5)));
        Assert.That(_store.Records.Single().State, Is.EqualTo(DeliveryState.Retrying));
        Assert.That(_store.Records.Single().NextAttemptAt, Is.EqualTo(Start.AddSeconds(5)));
        Assert.That(recorder.Counts.Snapshot().Retrying, Is.EqualTo(1));

        _time.Advance(TimeSpan.FromSeconds(5));
        item.Attempts = 2;
        next = recorder.Decide(item, RetryOutcome, capture: null);

        Assert.That(next, Is.EqualTo(Start.AddSeconds(5 + 10)), "the second bound is InitialDelay × Multiplier");
        Assert.That(recorder.Counts.Snapshot().Retrying, Is.EqualTo(1), "the same event is not counted twice");
    }

    [Test]
    public void Decide_DeliveredAfterARetry_LeavesRetrying()
    {
        var recorder = NewRecorder();
        var item = Attempted(attempts: 1);
        recorder.Decide(item, RetryOutcome, capture: null);
        item.Attempts = 2;

        recorder.Decide(item, EventOutcome.Delivered, capture: null);

        var counts = recorder.Counts.Snapshot();
        Assert.That(counts.Retrying, Is.Zero);
        Assert.That(counts.Delivered, Is.EqualTo(1));
        Assert.That(_store.Records.Select(r => r.State), Is.EqualTo(new[] { DeliveryState.Retrying, DeliveryState.Delivered }));
    }

    [Test]
    public void Decide_RetryAfterTheWindowFromTheFirstAttempt_Expires()
    {
        var recorder = NewRecorder();
        var item = Attempted(attempts: 1);
        recorder.Decide(item, RetryOutcome, capture: null);
        _time.Advance(_options.Retry.RetryWindow);
        item.Attempts = 2;

        var next = recorder.Decide(item, RetryOutcome, capture: null);

        Assert.That(next, Is.Null);
        var counts = recorder.Counts.Snapshot();
        Assert.That(counts.Expired, Is.EqualTo(1));
        Assert.That(counts.Retrying, Is.Zero);
        var record = _store.Records[^1];
        Assert.That(record.State, Is.EqualTo(DeliveryState.Expired));
        Assert.That(record.FirstAttemptAt, Is.EqualTo(Start));
        Assert.That(record.LastAttemptAt, Is.EqualTo(Start + _options.Retry.RetryWindow));
    }

    [Test]
    public void Decide_RetryJustInsideTheWindow_IsCutToEndWithTheWindow()
    {
        var recorder = NewRecorder(random: () => 1.0);
        var item = Attempted(attempts: 1);
        _time.Advance(_options.Retry.RetryWindow - TimeSpan.FromSeconds(1));

        var next = recorder.Decide(item, RetryOutcome, capture: null);

        Assert.That(next, Is.EqualTo(Start + _options.Retry.RetryWindow));
    }

    [Test]
    public void Decide_RetryAfterReachingPastTheWindow_ExpiresNow()
    {
        var recorder = NewRecorder();
        var outcome = RetryOutcome with { RetryAfter = _options.Retry.RetryWindow + TimeSpan.FromSeconds(1) };

        var next = recorder.Decide(Attempted(attempts: 1), outcome, capture: null);

        Assert.That(next, Is.Null);
        Assert.That(recorder.Counts.Snapshot().Expired, Is.EqualTo(1));
        Assert.That(recorder.Counts.Snapshot().Retrying, Is.Zero, "never counted as retrying");
    }

    [Test]
    public void Decide_RetryAfterLongerThanTheBackoff_IsHonoured()
    {
        var recorder = NewRecorder(random: () => 0.0);

        var next = recorder.Decide(Attempted(attempts: 1), RetryOutcome with { RetryAfter = TimeSpan.FromMinutes(3) }, capture: null);

        Assert.That(next, Is.EqualTo(Start.AddMinutes(3)));
    }

    [Test]
    public void Health_CountsFailuresOverTheLastWindowOfAttempts()
    {
        var recorder = NewRecorder();
        recorder.Decide(Attempted(1), RetryOutcome, capture: null);
        recorder.Decide(Attempted(1), new EventOutcome(OutcomeKind.Discarded, OutcomeReason.MessageRejected), capture: null);
        recorder.Decide(Attempted(1), new EventOutcome(OutcomeKind.Discarded, OutcomeReason.UnknownError), capture: null);
        Assert.That(recorder.Health, Is.EqualTo((3, 2)), "a rejected message is the event's fault, not the destination's");

        recorder.Decide(Attempted(1), EventOutcome.Delivered, capture: null);
        recorder.Decide(Attempted(1), EventOutcome.Delivered, capture: null);

        Assert.That(recorder.Health, Is.EqualTo((4, 1)), "the window holds the last four attempts");
    }

    [Test]
    public void Observers_SeeEveryRecord_OneThatThrowsIsLoggedAndSkipped()
    {
        var after = new List<DeliveryRecord>();
        var recorder = NewRecorder(observers: [new ThrowingObserver(), new ListObserver(after)]);

        recorder.Decide(Attempted(1), RetryOutcome, capture: null);
        recorder.Decide(Attempted(1), EventOutcome.Delivered, capture: null);

        Assert.That(after, Has.Count.EqualTo(2), "the observer after the one that threw");
        Assert.That(_store.Records, Has.Count.EqualTo(2), "the store still got every record");
        var warnings = _logger.Collector.GetSnapshot().Where(r => r.Exception is InvalidOperationException).ToList();
        Assert.That(warnings, Has.Count.EqualTo(2));
        Assert.That(warnings[0].Message, Does.Contain("d").And.Contain(nameof(ThrowingObserver)));
    }

    [Test]
    public void RecordQueueFull_RecordsADiscardAndWarnsAtMostOnceASecond()
    {
        var recorder = NewRecorder();

        recorder.RecordQueueFull(TestEvents.Track(1));
        recorder.RecordQueueFull(TestEvents.Track(2));
        _time.Advance(TimeSpan.FromMilliseconds(999));
        recorder.RecordQueueFull(TestEvents.Track(3));
        Assert.That(QueueFullWarnings(), Is.EqualTo(1));
        _time.Advance(TimeSpan.FromMilliseconds(1));
        recorder.RecordQueueFull(TestEvents.Track(4));

        Assert.That(QueueFullWarnings(), Is.EqualTo(2));
        Assert.That(recorder.Counts.Snapshot().Discarded[OutcomeReason.QueueFull], Is.EqualTo(4));
        var record = _store.Records[0];
        Assert.That(record.State, Is.EqualTo(DeliveryState.Discarded));
        Assert.That(record.Reason, Is.EqualTo(OutcomeReason.QueueFull));
        Assert.That(record.Attempts, Is.Zero);
        Assert.That(record.Error!.Message, Does.Contain("10").And.Contain("QueueCapacity"));
        Assert.That(_store.Records.Select(r => r.Sequence).Distinct().Count(), Is.EqualTo(4), "each discard is its own event");
    }

    [Test]
    public void RecordFilterFailure_DiscardsAsUnknownErrorWithTheFilterNamedAndSecretsRedacted()
    {
        var recorder = NewRecorder();

        recorder.RecordFilterFailure(TestEvents.Track(1), new InvalidOperationException($"bad filter with {Secret}"));

        var record = _store.Records.Single();
        Assert.That(record.State, Is.EqualTo(DeliveryState.Discarded));
        Assert.That(record.Reason, Is.EqualTo(OutcomeReason.UnknownError));
        Assert.That(record.Error!.Message, Does.StartWith("The destination filter threw: ").And.Not.Contain(Secret));
        Assert.That(recorder.Counts.Snapshot().Discarded[OutcomeReason.UnknownError], Is.EqualTo(1));
    }

    [Test]
    public void RecordRejectedInput_RecordsABadRequestWithNoMessageId()
    {
        var recorder = NewRecorder();

        recorder.RecordRejectedInput("not JSON");

        var record = _store.Records.Single();
        Assert.That(record.State, Is.EqualTo(DeliveryState.Discarded));
        Assert.That(record.Reason, Is.EqualTo(OutcomeReason.BadRequest));
        Assert.That(record.MessageId, Is.Empty);
        Assert.That(record.Error!.Message, Is.EqualTo("not JSON"));
        Assert.That(recorder.Counts.Snapshot().Discarded[OutcomeReason.BadRequest], Is.EqualTo(1));
    }

    [Test]
    public void FailureRecords_KeepTheEventWithSecretsRedacted()
    {
        var recorder = NewRecorder();
        var item = new PendingEvent(SegmentEvent.Parse($$$"""{"type":"track","event":"E","userId":"u","messageId":"m-s","properties":{"token":"{{{Secret}}}"}}"""), Start, owned: false)
        {
            Attempts = 1,
            FirstAttemptAt = Start,
        };

        recorder.Decide(item, new EventOutcome(OutcomeKind.Discarded, OutcomeReason.MessageRejected), capture: null);

        Assert.That(_store.Records.Single().EventJson, Does.Contain("m-s").And.Not.Contain(Secret));
    }

    [Test]
    public void Decide_WhenLoggingThrows_NeverThrowsAndEndsTheEventAsUnknownError()
    {
        // Expiry logs; a logger that throws there must not lose the event.
        var recorder = NewRecorder(logger: new ThrowingLogger());
        var item = Attempted(attempts: 1);
        recorder.Decide(item, RetryOutcome, capture: null);
        _time.Advance(_options.Retry.RetryWindow);
        item.Attempts = 2;

        DateTimeOffset? next = Start;
        Assert.That(() => next = recorder.Decide(item, RetryOutcome, capture: null), Throws.Nothing);

        Assert.That(next, Is.Null, "final");
        var record = _store.Records[^1];
        Assert.That(record.State, Is.EqualTo(DeliveryState.Discarded));
        Assert.That(record.Reason, Is.EqualTo(OutcomeReason.UnknownError));
        Assert.That(record.Error!.Message, Does.StartWith("Recording the outcome failed"));
        var counts = recorder.Counts.Snapshot();
        Assert.That(counts.Retrying, Is.Zero);
        Assert.That(counts.Discarded[OutcomeReason.UnknownError], Is.EqualTo(1));
        Assert.That(_store.Records.Count(r => r.IsTerminal), Is.EqualTo(1), "exactly one final record");
    }

    [TestCase(OutcomeKind.Delivered, OutcomeReason.None)]
    [TestCase(OutcomeKind.Discarded, OutcomeReason.MessageRejected)]
    [TestCase(OutcomeKind.Retry, OutcomeReason.Retry)]
    public void Decide_WhenAMetricsListenerThrows_TheEventEndsAsUnknownErrorCountedOnce(OutcomeKind kind, OutcomeReason reason)
    {
        var telemetry = new SegmentFunctionsTelemetry(_meters);
        using var listener = ThrowingListener(telemetry);
        var recorder = NewRecorder(telemetry: telemetry);

        DateTimeOffset? next = Start;
        Assert.That(() => next = recorder.Decide(Attempted(attempts: 1), new EventOutcome(kind, reason), capture: null), Throws.Nothing);

        Assert.That(next, Is.Null);
        Assert.That(_store.Records.Single().Reason, Is.EqualTo(OutcomeReason.UnknownError));
        var counts = recorder.Counts.Snapshot();
        Assert.That(counts.Discarded, Is.EqualTo(new Dictionary<OutcomeReason, long> { [OutcomeReason.UnknownError] = 1 }));
        Assert.That((counts.Delivered, counts.Retrying, counts.Expired), Is.EqualTo((0L, 0L, 0L)), "the event is counted once, as what its record says");
    }

    [Test]
    public void RecordQueueFullAndFilterFailure_WhenAMetricsListenerThrows_NeverThrowAndStillRecord()
    {
        var telemetry = new SegmentFunctionsTelemetry(_meters);
        using var listener = ThrowingListener(telemetry);
        var recorder = NewRecorder(telemetry: telemetry);

        Assert.That(() => recorder.RecordQueueFull(TestEvents.Track(1)), Throws.Nothing);
        Assert.That(() => recorder.RecordFilterFailure(TestEvents.Track(2), new InvalidOperationException("filter")), Throws.Nothing);

        Assert.That(_store.Records.Select(r => r.Reason), Is.EqualTo(new[] { OutcomeReason.QueueFull, OutcomeReason.UnknownError }));
        Assert.That(recorder.Counts.Snapshot().DiscardedTotal, Is.EqualTo(2));
    }

    private static PendingEvent Attempted(int attempts) => new(TestEvents.Track(1), Start, owned: false) { Attempts = attempts, FirstAttemptAt = Start };

    private int QueueFullWarnings() => _logger.Collector.GetSnapshot().Count(r => r.Level == LogLevel.Warning && r.Message.Contains("is full", StringComparison.Ordinal));

    // A metrics listener whose callback throws on every measurement of this telemetry's meter.
    private static MeterListener ThrowingListener(SegmentFunctionsTelemetry telemetry)
    {
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter == telemetry.Meter)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, _, _, _) => throw new InvalidOperationException("metrics listener down"));
        listener.Start();
        return listener;
    }

    private OutcomeRecorder NewRecorder(Func<double>? random = null, IDeliveryObserver[]? observers = null, ILogger? logger = null, SegmentFunctionsTelemetry? telemetry = null)
    {
        logger ??= _logger;
        var writer = new RecordWriter(_store, logger);
        return new OutcomeRecorder(
            "d",
            _options,
            new SecretRedactor([Secret]),
            writer,
            observers ?? [new ListObserver(_observed)],
            telemetry ?? new SegmentFunctionsTelemetry(_meters),
            _time,
            logger,
            random ?? (() => 0.5));
    }

    private sealed class ListObserver(List<DeliveryRecord> records) : IDeliveryObserver
    {
        public void OnRecorded(DeliveryRecord record) => records.Add(record);
    }

    private sealed class ThrowingObserver : IDeliveryObserver
    {
        public void OnRecorded(DeliveryRecord record) => throw new InvalidOperationException("observer down");
    }

    private sealed class ThrowingLogger : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            throw new InvalidOperationException("logger down");
    }
}
