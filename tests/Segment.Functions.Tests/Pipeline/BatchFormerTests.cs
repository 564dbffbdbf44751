using Microsoft.Extensions.Time.Testing;
using Segment.Functions.Batching;
using Segment.Functions.Hosting;
using Segment.Functions.Pipeline.Internal;
using static Segment.Functions.Tests.Pipeline.PartTesting;
using Segment.Functions.Tests.Hosting;

namespace Segment.Functions.Tests.Pipeline;

/// <summary>The batch-former on its own, on the fake clock: size and time limits, the low-volume grace, parking and the stop.</summary>
[FixtureLifeCycle(LifeCycle.InstancePerTestCase)]
public sealed class BatchFormerTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(5);

    private readonly FakeTimeProvider _time = new(Start);
    private readonly MemoryDeliveryQueue _queue;
    private readonly CancellationTokenSource _stopping = new();

    public BatchFormerTests() => _queue = new MemoryDeliveryQueue("d", 100, QueueFullMode.Wait, _time);

    public void Dispose()
    {
        _queue.Dispose();
        _stopping.Dispose();
    }

    [Test]
    public async Task NextAsync_MaxSizeQueued_ReturnsAFullBatchAtOnceInArrivalOrder()
    {
        using var former = NewFormer(maxSize: 3);
        var items = await EnqueueAsync(5);

        var batch = await Guard(former.NextAsync());

        Assert.That(batch, Is.EqualTo(items.Take(3)));
        Assert.That(_queue.Status, Is.EqualTo(new DestinationStatus("d", 2, 3, 0)), "the batch is in flight, the rest queued");
    }

    [Test]
    public async Task NextAsync_FewerThanMaxSize_WaitsUntilMaxWaitAfterTheFirstEventAndTakesLaterArrivals()
    {
        using var former = NewFormer(maxSize: 10, lowVolume: 0);
        await EnqueueAsync(2);

        var next = former.NextAsync();
        await Guard(_queue.WhenIdle());
        _time.Advance(TimeSpan.FromSeconds(2));
        var late = await EnqueueAsync(1);
        await Guard(_queue.WhenIdle());
        _time.Advance(MaxWait - TimeSpan.FromSeconds(2) - TimeSpan.FromTicks(1));
        Assert.That(next.IsCompleted, Is.False, "not before MaxWait");

        _time.Advance(TimeSpan.FromTicks(1));

        var batch = await Guard(next);
        Assert.That(batch, Has.Count.EqualTo(3));
        Assert.That(batch![2], Is.SameAs(late[0]));
        Assert.That(_queue.Status, Is.EqualTo(new DestinationStatus("d", 0, 3, 0)));
    }

    [Test]
    public async Task NextAsync_ReachingMaxSizeWhileWaiting_ReturnsWithoutWaitingForMaxWait()
    {
        using var former = NewFormer(maxSize: 3, lowVolume: 0);
        await EnqueueAsync(1);
        var next = former.NextAsync();
        await Guard(_queue.WhenIdle());

        await EnqueueAsync(2);

        Assert.That(await Guard(next), Has.Count.EqualTo(3));
    }

    [Test]
    public async Task NextAsync_LowVolume_AnEventWithNoCompanyGoesAloneAfterTheGrace()
    {
        // One event a second: the grace is 1 s.
        using var former = NewFormer(maxSize: 10, lowVolume: 1);
        await EnqueueAsync(1);

        var next = former.NextAsync();
        await Guard(_queue.WhenIdle());
        _time.Advance(TimeSpan.FromSeconds(1) - TimeSpan.FromTicks(1));
        Assert.That(next.IsCompleted, Is.False);
        _time.Advance(TimeSpan.FromTicks(1));

        Assert.That(await Guard(next), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task NextAsync_LowVolume_CompanyWithinTheGrace_FillsUntilMaxWaitAfterTheFirstEvent()
    {
        using var former = NewFormer(maxSize: 10, lowVolume: 1);
        await EnqueueAsync(1);
        var next = former.NextAsync();
        await Guard(_queue.WhenIdle());
        _time.Advance(TimeSpan.FromMilliseconds(500));

        await EnqueueAsync(1);
        await Guard(_queue.WhenIdle());
        _time.Advance(MaxWait - TimeSpan.FromMilliseconds(500) - TimeSpan.FromTicks(1));
        Assert.That(next.IsCompleted, Is.False, "company came: the batch waits until MaxWait after its first event");
        await EnqueueAsync(1);
        await Guard(_queue.WhenIdle());
        _time.Advance(TimeSpan.FromTicks(1));

        Assert.That(await Guard(next), Has.Count.EqualTo(3));
    }

    [Test]
    public async Task NextAsync_WhileWaitingForCompany_TheBatchIsParkedAndNotBusy()
    {
        using var former = NewFormer(maxSize: 10, lowVolume: 0);
        await EnqueueAsync(1);

        var next = former.NextAsync();

        Assert.That(_queue.WhenIdle().IsCompleted, Is.True, "parked: not busy");
        Assert.That(_queue.Status.Queued, Is.EqualTo(1), "but still reported as queued");
        _time.Advance(MaxWait);
        await Guard(next);
        Assert.That(_queue.Status.InFlight, Is.EqualTo(1));
    }

    [Test]
    public async Task NextAsync_HostStopping_SendsTheBatchInHandAtOnce()
    {
        using var former = NewFormer(maxSize: 10, lowVolume: 0);
        await EnqueueAsync(2);
        var next = former.NextAsync();
        await Guard(_queue.WhenIdle());

        await _stopping.CancelAsync();

        Assert.That(await Guard(next), Has.Count.EqualTo(2));
        Assert.That(_time.GetUtcNow(), Is.EqualTo(Start), "without the clock moving");
    }

    [Test]
    public async Task NextAsync_QueueCompletedAndEmpty_ReturnsNull()
    {
        using var former = NewFormer(maxSize: 10);
        var next = former.NextAsync();
        Assert.That(next.IsCompleted, Is.False, "nothing queued: it waits for a first event");

        _queue.Complete();

        Assert.That(await Guard(next), Is.Null);
    }

    [Test]
    public async Task NextAsync_OneBatchFormedAtATime_TheSecondCallerGetsTheNextEvents()
    {
        using var former = NewFormer(maxSize: 2, lowVolume: 0);
        var items = await EnqueueAsync(1);
        var first = former.NextAsync();
        var second = former.NextAsync();
        await Guard(_queue.WhenIdle());

        var more = await EnqueueAsync(3);

        Assert.That(await Guard(first), Is.EqualTo(new[] { items[0], more[0] }));
        Assert.That(await Guard(second), Is.EqualTo(new[] { more[1], more[2] }));
    }

    private async Task<List<PendingEvent>> EnqueueAsync(int count)
    {
        var items = new List<PendingEvent>();
        for (var i = 0; i < count; i++)
        {
            var item = new PendingEvent(TestEvents.Track(i), Start, owned: false);
            Assert.That(await _queue.EnqueueAsync(item, CancellationToken.None), Is.EqualTo(SendStatus.Accepted));
            items.Add(item);
        }

        return items;
    }

    private BatchFormer NewFormer(int maxSize, double lowVolume = 0) =>
        new(_queue, new BatchingOptions { MaxSize = maxSize, MaxWait = MaxWait, LowVolumeEventsPerSecond = lowVolume }, _time, _stopping.Token);
}
