using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Segment.Functions.Delivery;
using Segment.Functions.Pipeline.Internal;

namespace Segment.Functions.Tests.Pipeline;

/// <summary>The record writer on its own: one store call at a time, records grouped while a slow store works, failures logged.</summary>
[FixtureLifeCycle(LifeCycle.InstancePerTestCase)]
public sealed class RecordWriterTests
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(10);

    private readonly CallRecordingStore _store = new();
    private readonly FakeLogger _logger = new();

    [Test]
    public void Write_StoreThatCompletesAtOnce_IsWrittenBeforeWriteReturns()
    {
        var writer = new RecordWriter(_store, _logger);

        writer.Write(NewRecord(1));
        writer.Write(NewRecord(2));

        Assert.That(_store.Calls.Select(c => c.Select(r => r.Sequence)), Is.EqualTo(new[] { new[] { 1L }, new[] { 2L } }));
        Assert.That(writer.WhenWritten().IsCompleted, Is.True);
    }

    [Test]
    public async Task Write_WhileASlowStoreWorks_GroupsTheRecordsIntoTheNextCall()
    {
        var writer = new RecordWriter(_store, _logger);
        _store.Hold();
        writer.Write(NewRecord(1));

        writer.Write(NewRecord(2));
        writer.Write(NewRecord(3));
        var written = writer.WhenWritten();

        Assert.That(_store.Calls, Has.Count.EqualTo(1), "no second call while the first runs");
        Assert.That(written.IsCompleted, Is.False);
        _store.Release();
        await written.WaitAsync(Guard, TimeProvider.System);
        Assert.That(_store.Calls.Select(c => c.Select(r => r.Sequence)), Is.EqualTo(new[] { new[] { 1L }, new[] { 2L, 3L } }));
        Assert.That(_store.Overlaps, Is.Zero);
    }

    [Test]
    public void Write_StoreThatThrows_IsLoggedWithTheDestinationAndWritingGoesOn()
    {
        var writer = new RecordWriter(_store, _logger);
        _store.ThrowNext = new InvalidOperationException("disk full");

        Assert.That(() => writer.Write(NewRecord(1)), Throws.Nothing);
        writer.Write(NewRecord(2));

        var error = _logger.Collector.GetSnapshot().Single(r => r.Level == LogLevel.Error);
        Assert.That(error.Exception, Is.InstanceOf<InvalidOperationException>());
        Assert.That(error.Message, Does.Contain("dest"));
        Assert.That(_store.Calls[^1].Single().Sequence, Is.EqualTo(2));
        Assert.That(writer.WhenWritten().IsCompleted, Is.True);
    }

    [Test]
    public async Task GiveUp_CancelsTheStoreCallStillRunning()
    {
        var writer = new RecordWriter(_store, _logger);
        _store.Hold();
        writer.Write(NewRecord(1));
        var written = writer.WhenWritten();

        writer.GiveUp();

        await written.WaitAsync(Guard, TimeProvider.System);
        Assert.That(_logger.Collector.GetSnapshot().Single(r => r.Level == LogLevel.Error).Exception, Is.InstanceOf<OperationCanceledException>());
    }

    [Test]
    public async Task Write_FromManyThreadsIntoASlowStore_WritesEveryRecordOnceOneCallAtATime()
    {
        var store = new YieldingStore();
        var writer = new RecordWriter(store, _logger);

        await Task.WhenAll(Enumerable.Range(0, 4).Select(t => Task.Run(() =>
        {
            for (var i = 0; i < 5_000; i++)
            {
                writer.Write(NewRecord((t * 5_000) + i));
            }
        }))).WaitAsync(TimeSpan.FromSeconds(60), TimeProvider.System);
        await writer.WhenWritten().WaitAsync(TimeSpan.FromSeconds(60), TimeProvider.System);

        Assert.That(store.Sequences.Order(), Is.EqualTo(Enumerable.Range(0, 20_000).Select(i => (long)i)));
        Assert.That(store.Overlaps, Is.Zero);
        Assert.That(store.Calls, Is.LessThan(20_000), "records were grouped while the store worked");
    }

    private static DeliveryRecord NewRecord(long sequence) => new()
    {
        Destination = "dest",
        MessageId = $"m-{sequence}",
        Sequence = sequence,
        State = DeliveryState.Delivered,
    };

    // Goes asynchronous on every call, as a database would.
    private sealed class YieldingStore : IDeliveryStore
    {
        private readonly Lock _gate = new();
        private int _running;

        public List<long> Sequences { get; } = [];

        public int Overlaps { get; private set; }

        public int Calls { get; private set; }

        public async ValueTask RecordAsync(IReadOnlyList<DeliveryRecord> records, CancellationToken cancellationToken = default)
        {
            if (Interlocked.Increment(ref _running) > 1)
            {
                Overlaps++;
            }

            await Task.Yield();
            lock (_gate)
            {
                Calls++;
                Sequences.AddRange(records.Select(r => r.Sequence));
            }

            Interlocked.Decrement(ref _running);
        }

        public ValueTask<IReadOnlyList<DeliveryRecord>> QueryAsync(DeliveryQuery query, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();
    }
}
