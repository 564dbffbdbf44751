using Microsoft.Extensions.Time.Testing;
using Segment.Functions.Hosting;
using Segment.Functions.Pipeline.Internal;
using static Segment.Functions.Tests.Pipeline.PartTesting;
using Segment.Functions.Tests.Hosting;

namespace Segment.Functions.Tests.Pipeline;

/// <summary>The in-memory queue on its own, on the fake clock: room, order, takers, settling, retries and the waits.</summary>
[FixtureLifeCycle(LifeCycle.InstancePerTestCase)]
public sealed class MemoryDeliveryQueueTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly SegmentEvent Event = TestEvents.Track(1);

    private readonly FakeTimeProvider _time = new(Start);

    [Test]
    public async Task EnqueueAsync_WithinCapacity_IsAcceptedAndCountedAsQueued()
    {
        using var queue = NewQueue(capacity: 3);

        for (var i = 0; i < 3; i++)
        {
            Assert.That(await queue.EnqueueAsync(NewItem(), CancellationToken.None), Is.EqualTo(SendStatus.Accepted));
        }

        Assert.That(queue.Status, Is.EqualTo(new DestinationStatus("d", 3, 0, 0)));
    }

    [Test]
    public async Task EnqueueAsync_FullInRejectMode_ReturnsQueueFullAndTakesNothing()
    {
        using var queue = NewQueue(capacity: 2, QueueFullMode.Reject);
        await queue.EnqueueAsync(NewItem(), CancellationToken.None);
        await queue.EnqueueAsync(NewItem(), CancellationToken.None);

        var status = await queue.EnqueueAsync(NewItem(), CancellationToken.None);

        Assert.That(status, Is.EqualTo(SendStatus.QueueFull));
        Assert.That(queue.Status.Queued, Is.EqualTo(2));
    }

    [Test]
    public async Task EnqueueAsync_FullInWaitMode_WaitsUntilAnEventIsSettledAsDone()
    {
        using var queue = NewQueue(capacity: 1);
        await queue.EnqueueAsync(NewItem(), CancellationToken.None);

        var waiting = queue.EnqueueAsync(NewItem(), CancellationToken.None).AsTask();
        Assert.That(waiting.IsCompleted, Is.False, "no room: the sender waits");

        Assert.That(queue.TryTake(out var first), Is.True);
        Assert.That(waiting.IsCompleted, Is.False, "an event in flight still holds its room");
        queue.Settle(first, retryAt: null);

        Assert.That(await Guard(waiting), Is.EqualTo(SendStatus.Accepted));
        Assert.That(queue.Status, Is.EqualTo(new DestinationStatus("d", 1, 0, 0)));
    }

    [Test]
    public async Task Settle_WithRetryTime_KeepsTheRoomAndRequeuesAtThatTimeOnTheClock()
    {
        using var queue = NewQueue(capacity: 1);
        var item = NewItem();
        await queue.EnqueueAsync(item, CancellationToken.None);
        Assert.That(queue.TryTake(out _), Is.True);

        queue.Settle(item, Start.AddSeconds(10));
        var sender = queue.EnqueueAsync(NewItem(), CancellationToken.None).AsTask();
        var reentered = queue.WhenRetryReenters();

        Assert.That(queue.Status, Is.EqualTo(new DestinationStatus("d", 0, 0, 1)));
        Assert.That(queue.NextRetryDue, Is.EqualTo(Start.AddSeconds(10)));
        Assert.That(sender.IsCompleted, Is.False, "an event waiting for retry keeps its room");
        _time.Advance(TimeSpan.FromSeconds(10) - TimeSpan.FromTicks(1));
        Assert.That(queue.Status.WaitingForRetry, Is.EqualTo(1), "not before its time");
        Assert.That(reentered.IsCompleted, Is.False);

        _time.Advance(TimeSpan.FromTicks(1));

        Assert.That(queue.Status, Is.EqualTo(new DestinationStatus("d", 1, 0, 0)));
        Assert.That(queue.NextRetryDue, Is.Null);
        await Guard(reentered);
        Assert.That(queue.TryTake(out var again), Is.True);
        Assert.That(again, Is.SameAs(item));
        Assert.That(sender.IsCompleted, Is.False);
    }

    [Test]
    public async Task Settle_WithRetryAlreadyDue_RequeuesAtOnceAndWakesATaker()
    {
        using var queue = NewQueue(capacity: 1);
        var item = NewItem();
        await queue.EnqueueAsync(item, CancellationToken.None);
        Assert.That(queue.TryTake(out _), Is.True);
        var taker = queue.WaitToTakeAsync(CancellationToken.None).AsTask();

        queue.Settle(item, Start);

        Assert.That(queue.Status, Is.EqualTo(new DestinationStatus("d", 1, 0, 0)));
        Assert.That(await Guard(taker), Is.True);
    }

    [Test]
    public async Task TryTake_TakesInArrivalOrderIntoFlight()
    {
        using var queue = NewQueue(capacity: 3);
        var items = new[] { NewItem(), NewItem(), NewItem() };
        foreach (var item in items)
        {
            await queue.EnqueueAsync(item, CancellationToken.None);
        }

        var taken = new List<PendingEvent>();
        while (queue.TryTake(out var item))
        {
            taken.Add(item);
        }

        Assert.That(taken, Is.EqualTo(items));
        Assert.That(queue.Status, Is.EqualTo(new DestinationStatus("d", 0, 3, 0)));
    }

    [Test]
    public async Task ReserveAsync_AllOrNone_WaitsUntilEveryUnitIsFree()
    {
        using var queue = NewQueue(capacity: 4);
        await FillAsync(queue, 3);

        var reserve = queue.ReserveAsync(2, CancellationToken.None).AsTask();
        Assert.That(reserve.IsCompleted, Is.False, "one free unit is not enough for two");

        SettleDone(queue, 1);

        Assert.That(await Guard(reserve), Is.EqualTo(SendStatus.Accepted));
        var more = queue.EnqueueAsync(NewItem(), CancellationToken.None).AsTask();
        Assert.That(more.IsCompleted, Is.False, "the reservation holds the last units");
        queue.ReleaseRoom(2);
        Assert.That(await Guard(more), Is.EqualTo(SendStatus.Accepted));
    }

    [Test]
    public async Task ReserveAsync_HeadWaiterGathersFirst_ALaterSmallerSenderDoesNotOvertake()
    {
        using var queue = NewQueue(capacity: 3);
        await FillAsync(queue, 3);
        var big = queue.ReserveAsync(3, CancellationToken.None).AsTask();

        SettleDone(queue, 1);
        var small = queue.EnqueueAsync(NewItem(), CancellationToken.None).AsTask();

        Assert.That(big.IsCompleted, Is.False);
        Assert.That(small.IsCompleted, Is.False, "the unit freed went to the head waiter, not to the newcomer");
        SettleDone(queue, 2);
        Assert.That(await Guard(big), Is.EqualTo(SendStatus.Accepted));
        Assert.That(small.IsCompleted, Is.False, "all three units are the reservation's");

        queue.ReleaseRoom(3);
        Assert.That(await Guard(small), Is.EqualTo(SendStatus.Accepted));
    }

    [Test]
    public async Task ReserveAsync_CancelledAfterGatheringSome_GivesBackWhatItGathered()
    {
        using var queue = NewQueue(capacity: 3);
        await FillAsync(queue, 3);
        using var cancel = new CancellationTokenSource();
        var big = queue.ReserveAsync(3, cancel.Token).AsTask();
        SettleDone(queue, 2);

        await cancel.CancelAsync();

        Assert.That(await Guard(big), Is.EqualTo(SendStatus.Cancelled));
        // One event is still queued: exactly two units are free again.
        var two = queue.ReserveAsync(2, CancellationToken.None);
        Assert.That(two.IsCompleted, Is.True, "the two gathered units came back");
        Assert.That(await two, Is.EqualTo(SendStatus.Accepted));
        Assert.That(queue.ReserveAsync(1, CancellationToken.None).IsCompleted, Is.False, "and not more than two");
    }

    [Test]
    public async Task EnqueueAsync_CancelledWhileWaiting_ReturnsCancelledAndQueuesNothing()
    {
        using var queue = NewQueue(capacity: 1);
        await FillAsync(queue, 1);
        using var cancel = new CancellationTokenSource();
        var sender = queue.EnqueueAsync(NewItem(), cancel.Token).AsTask();

        await cancel.CancelAsync();

        Assert.That(await Guard(sender), Is.EqualTo(SendStatus.Cancelled));
        Assert.That(queue.Status.Queued, Is.EqualTo(1));
        SettleDone(queue, 1);
        Assert.That(queue.WhenEmpty().IsCompleted, Is.True, "the cancelled sender holds no room");
    }

    [Test]
    public async Task CloseIntake_StopsWaitingSendersAndRefusesNewOnes()
    {
        using var queue = NewQueue(capacity: 1);
        await FillAsync(queue, 1);
        var waitingSender = queue.EnqueueAsync(NewItem(), CancellationToken.None).AsTask();
        var waitingReserve = queue.ReserveAsync(1, CancellationToken.None).AsTask();

        queue.CloseIntake();

        Assert.That(await Guard(waitingSender), Is.EqualTo(SendStatus.Stopped));
        Assert.That(await Guard(waitingReserve), Is.EqualTo(SendStatus.Stopped));
        Assert.That(await queue.EnqueueAsync(NewItem(), CancellationToken.None), Is.EqualTo(SendStatus.Stopped));
        Assert.That(await queue.ReserveAsync(1, CancellationToken.None), Is.EqualTo(SendStatus.Stopped));
        Assert.That(queue.Status.Queued, Is.EqualTo(1), "what was queued stays");
    }

    [Test]
    public async Task EnqueueReserved_AfterIntakeClosed_IsStoppedAndGivesTheRoomBack()
    {
        using var queue = NewQueue(capacity: 2);
        Assert.That(await queue.ReserveAsync(2, CancellationToken.None), Is.EqualTo(SendStatus.Accepted));
        Assert.That(queue.EnqueueReserved(NewItem()), Is.EqualTo(SendStatus.Accepted));

        queue.CloseIntake();

        Assert.That(queue.EnqueueReserved(NewItem()), Is.EqualTo(SendStatus.Stopped));
        Assert.That(queue.Status.Queued, Is.EqualTo(1));
        var empty = queue.WhenEmpty();
        SettleDone(queue, 1);
        await Guard(empty);
    }

    [Test]
    public async Task WhenEmpty_WaitsForReservedRoomAndRetriesToo()
    {
        using var queue = NewQueue(capacity: 2);
        Assert.That(await queue.ReserveAsync(1, CancellationToken.None), Is.EqualTo(SendStatus.Accepted));
        var empty = queue.WhenEmpty();
        Assert.That(empty.IsCompleted, Is.False, "reserved room is pending");

        var item = NewItem();
        queue.EnqueueReserved(item);
        Assert.That(queue.TryTake(out _), Is.True);
        queue.Settle(item, Start.AddSeconds(1));
        Assert.That(empty.IsCompleted, Is.False, "a waiting retry is pending");
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.That(queue.TryTake(out _), Is.True);
        Assert.That(empty.IsCompleted, Is.False);

        queue.Settle(item, retryAt: null);

        await Guard(empty);
    }

    [Test]
    public async Task WaitToTakeAsync_CompletesWhenAnEventArrives()
    {
        using var queue = NewQueue(capacity: 1);
        var taker = queue.WaitToTakeAsync(CancellationToken.None).AsTask();
        Assert.That(taker.IsCompleted, Is.False);

        await queue.EnqueueAsync(NewItem(), CancellationToken.None);

        Assert.That(await Guard(taker), Is.True);
        Assert.That(queue.WaitToTakeAsync(CancellationToken.None).IsCompleted, Is.True, "something is queued: at once");
    }

    [Test]
    public async Task WaitToTakeAsync_CancelledTaker_DoesNotSwallowTheWakeUpMeantForAnother()
    {
        using var queue = NewQueue(capacity: 1);
        using var cancel = new CancellationTokenSource();
        var patient = queue.WaitToTakeAsync(CancellationToken.None).AsTask();
        var impatient = queue.WaitToTakeAsync(cancel.Token).AsTask();

        await cancel.CancelAsync();
        await queue.EnqueueAsync(NewItem(), CancellationToken.None);

        Assert.That(async () => await Guard(impatient), Throws.InstanceOf<OperationCanceledException>());
        Assert.That(await Guard(patient), Is.True, "the one wake-up reached the taker still waiting");
    }

    [Test]
    public async Task Complete_EndsTakersAndStopsTakingAndRetries()
    {
        using var queue = NewQueue(capacity: 3);
        var taker = queue.WaitToTakeAsync(CancellationToken.None).AsTask();
        var retried = NewItem();
        await queue.EnqueueAsync(retried, CancellationToken.None);
        Assert.That(await Guard(taker), Is.True);
        Assert.That(queue.TryTake(out _), Is.True);
        queue.Settle(retried, Start.AddSeconds(5));
        await queue.EnqueueAsync(NewItem(), CancellationToken.None);

        queue.Complete();

        Assert.That(await queue.WaitToTakeAsync(CancellationToken.None), Is.False);
        Assert.That(queue.TryTake(out _), Is.False, "nothing new starts once completed");
        Assert.That(queue.TryTakeForBatch(out _), Is.False);
        Assert.That(queue.WhenIdle().IsCompleted, Is.True);
        Assert.That(queue.WhenEmpty().IsCompleted, Is.True);
        Assert.That(queue.WhenRetryReenters().IsCompleted, Is.True);
        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.That(queue.Status, Is.EqualTo(new DestinationStatus("d", 1, 0, 1)), "what is left is reported where it was");
    }

    [Test]
    public async Task Complete_WakesTakersAlreadyWaiting()
    {
        using var queue = NewQueue(capacity: 1);
        var taker = queue.WaitToTakeAsync(CancellationToken.None).AsTask();

        queue.Complete();

        Assert.That(await Guard(taker), Is.False);
    }

    [Test]
    public async Task WhenIdle_WaitsForEventsInFlightButNotForWaitingRetries()
    {
        using var queue = NewQueue(capacity: 2);
        var a = NewItem();
        var b = NewItem();
        await queue.EnqueueAsync(a, CancellationToken.None);
        await queue.EnqueueAsync(b, CancellationToken.None);
        var idle = queue.WhenIdle();
        queue.TryTake(out _);
        queue.TryTake(out _);

        queue.Settle(a, Start.AddMinutes(1));
        Assert.That(idle.IsCompleted, Is.False, "b is still in flight");
        queue.Settle(b, retryAt: null);

        await Guard(idle);
        Assert.That(queue.Status, Is.EqualTo(new DestinationStatus("d", 0, 0, 1)));
    }

    [Test]
    public async Task Abandon_LeavesEventsReportedInFlightButNoLongerBusy()
    {
        using var queue = NewQueue(capacity: 2);
        await FillAsync(queue, 2);
        queue.TryTake(out _);
        queue.TryTake(out _);
        var idle = queue.WhenIdle();

        queue.Abandon(2);

        await Guard(idle);
        Assert.That(queue.Status, Is.EqualTo(new DestinationStatus("d", 0, 2, 0)));
        Assert.That(queue.WhenEmpty().IsCompleted, Is.False, "abandoned events still hold their room");
    }

    [Test]
    public async Task BatchBeingFormed_CountsAsQueuedUntilStarted_ThenInFlight()
    {
        using var queue = NewQueue(capacity: 3);
        await FillAsync(queue, 3);

        Assert.That(queue.TryTakeForBatch(out _), Is.True);
        Assert.That(queue.TryTakeForBatch(out _), Is.True);
        Assert.That(queue.Status, Is.EqualTo(new DestinationStatus("d", 3, 0, 0)));

        queue.StartBatch(2);

        Assert.That(queue.Status, Is.EqualTo(new DestinationStatus("d", 1, 2, 0)));
    }

    [Test]
    public async Task Park_ABatchWaitingForCompanyIsNotBusy()
    {
        using var queue = NewQueue(capacity: 2);
        await FillAsync(queue, 1);
        Assert.That(queue.TryTakeForBatch(out _), Is.True);
        var idle = queue.WhenIdle();
        Assert.That(idle.IsCompleted, Is.False, "a batch being formed is busy");

        Assert.That(queue.Park(true), Is.True);

        await Guard(idle);
        Assert.That(queue.Park(false), Is.True);
        Assert.That(queue.WhenIdle().IsCompleted, Is.False, "busy again once unparked");
    }

    [Test]
    public async Task TimeUp_MakesTheBatchBusyAndRefusesParkingUntilTheNextBatch()
    {
        using var queue = NewQueue(capacity: 2);
        await FillAsync(queue, 1);
        Assert.That(queue.TryTakeForBatch(out _), Is.True);
        queue.Park(true);

        queue.TimeUp(true);

        Assert.That(queue.WhenIdle().IsCompleted, Is.False, "its time is up: it is about to be sent");
        Assert.That(queue.Park(true), Is.False);
        queue.StartBatch(1);
        Assert.That(queue.Park(true), Is.True, "the next batch may park again");
    }

    [Test]
    public async Task Dispose_StopsIntakeAndEndsTakers()
    {
        var queue = NewQueue(capacity: 1);
        var taker = queue.WaitToTakeAsync(CancellationToken.None).AsTask();

        queue.Dispose();

        Assert.That(await Guard(taker), Is.False);
        Assert.That(await queue.EnqueueAsync(NewItem(), CancellationToken.None), Is.EqualTo(SendStatus.Stopped));
    }

    private static PendingEvent NewItem() => new(Event, Start, owned: false);

    private static async Task FillAsync(MemoryDeliveryQueue queue, int count)
    {
        for (var i = 0; i < count; i++)
        {
            Assert.That(await queue.EnqueueAsync(NewItem(), CancellationToken.None), Is.EqualTo(SendStatus.Accepted));
        }
    }

    // Takes `count` queued events and settles them as done.
    private static void SettleDone(MemoryDeliveryQueue queue, int count)
    {
        for (var i = 0; i < count; i++)
        {
            Assert.That(queue.TryTake(out var item), Is.True);
            queue.Settle(item, retryAt: null);
        }
    }

    private MemoryDeliveryQueue NewQueue(int capacity, QueueFullMode mode = QueueFullMode.Wait) => new("d", capacity, mode, _time);
}
