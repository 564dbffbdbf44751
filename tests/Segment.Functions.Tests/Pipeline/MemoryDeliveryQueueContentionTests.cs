using Microsoft.Extensions.Time.Testing;
using Segment.Functions.Hosting;
using Segment.Functions.Pipeline.Internal;
using static Segment.Functions.Tests.Pipeline.PartTesting;
using Segment.Functions.Tests.Hosting;

namespace Segment.Functions.Tests.Pipeline;

/// <summary>
/// The queue on real threads under contention: several senders into a small queue, several takers,
/// retries due at once and later, senders and takers cancelled while they wait. Whatever the runtime
/// does, every event must be taken until it is settled as done exactly once, and the queue must end
/// with all its room back and nothing counted anywhere.
/// </summary>
[Category("Contention")]
public sealed class MemoryDeliveryQueueContentionTests
{
    private const int Capacity = 64;
    private static readonly TimeSpan RealTimeGuard = TimeSpan.FromSeconds(60);
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [TestCase(4, 50_000, 4)]
    [TestCase(2, 20_000, 8)]
    public async Task ManySendersAndTakers_EveryEventIsSettledAsDoneExactlyOnce(int senders, int eventsPerSender, int takers)
    {
        var time = new FakeTimeProvider(Start);
        using var queue = new MemoryDeliveryQueue("d", Capacity, QueueFullMode.Wait, time);
        var run = new Run(senders * eventsPerSender);

        var sending = Enumerable.Range(0, senders)
            .Select(s => Task.Run(() => SendAsync(queue, run, s, senders, eventsPerSender)))
            .ToArray();
        var taking = Enumerable.Range(0, takers).Select(t => Task.Run(() => TakeAsync(queue, run, time, t))).ToArray();
        var clock = Task.Run(() => DriveRetriesAsync(queue, run, time));

        await Task.WhenAll(sending).WaitAsync(RealTimeGuard, TimeProvider.System);
        await run.AllDone.Task.WaitAsync(RealTimeGuard, TimeProvider.System);
        queue.Complete();
        await Task.WhenAll([.. taking, clock]).WaitAsync(RealTimeGuard, TimeProvider.System);

        Assert.Multiple(() =>
        {
            Assert.That(run.Done, Has.All.EqualTo(1), "each event settled as done exactly once");
            Assert.That(
                Enumerable.Range(0, run.Total).Where(i => run.Taken[i] != (i % 5 == 0 ? 2 : 1)),
                Is.Empty,
                "each event taken once per attempt (twice for those retried), no more");
            Assert.That(run.RetriesScheduled, Is.GreaterThan(run.Total / 10), "retries were part of the run");
            Assert.That(run.SendsCancelled, Is.GreaterThan(0), "cancelled senders were part of the run");
            Assert.That(run.TakersCancelled, Is.GreaterThan(0), "cancelled takers were part of the run");
            Assert.That(queue.Status, Is.EqualTo(new DestinationStatus("d", 0, 0, 0)));
            Assert.That(queue.WhenEmpty().IsCompleted, Is.True);
        });
    }

    [Test]
    public async Task ManySendersAndTakers_RoomIsAllBackAtTheEnd()
    {
        var time = new FakeTimeProvider(Start);
        using var queue = new MemoryDeliveryQueue("d", Capacity, QueueFullMode.Wait, time);
        var run = new Run(4 * 10_000);

        var sending = Enumerable.Range(0, 4).Select(s => Task.Run(() => SendAsync(queue, run, s, 4, 10_000))).ToArray();
        var taking = Enumerable.Range(0, 4).Select(t => Task.Run(() => TakeAsync(queue, run, time, t))).ToArray();
        var clock = Task.Run(() => DriveRetriesAsync(queue, run, time));
        await Task.WhenAll(sending).WaitAsync(RealTimeGuard, TimeProvider.System);
        await run.AllDone.Task.WaitAsync(RealTimeGuard, TimeProvider.System);
        await queue.WhenEmpty().WaitAsync(RealTimeGuard, TimeProvider.System);

        // Not completed yet: the whole capacity can be reserved at once, and not one unit more.
        var all = queue.ReserveAsync(Capacity, CancellationToken.None);
        Assert.That(all.IsCompleted, Is.True, "all the room is back");
        Assert.That(await all, Is.EqualTo(SendStatus.Accepted));
        Assert.That(queue.ReserveAsync(1, CancellationToken.None).IsCompleted, Is.False, "and no more than the capacity");
        queue.CloseIntake();
        queue.Complete();
        await Task.WhenAll([.. taking, clock]).WaitAsync(RealTimeGuard, TimeProvider.System);
    }

    [Test]
    public async Task ManySendersInRejectMode_EveryEventIsEitherRefusedOrSettledOnce_AndRoomIsNeverExceeded()
    {
        var time = new FakeTimeProvider(Start);
        using var queue = new MemoryDeliveryQueue("d", Capacity, QueueFullMode.Reject, time);
        const int Senders = 4;
        const int PerSender = 25_000;
        var run = new Run(Senders * PerSender);
        var refused = new int[run.Total];
        var mostPending = 0;
        var sendersDone = 0;

        var sending = Enumerable.Range(0, Senders).Select(s => Task.Run(async () =>
        {
            for (var n = 0; n < PerSender; n++)
            {
                var index = (n * Senders) + s;
                var status = await queue.EnqueueAsync(run.Items[index], CancellationToken.None);
                if (status == SendStatus.QueueFull)
                {
                    refused[index]++;
                }
                else
                {
                    Assert.That(status, Is.EqualTo(SendStatus.Accepted));
                }

                if (n % 32 == 0)
                {
                    InterlockedMax(ref mostPending, queue.Status.Pending);
                }
            }

            Interlocked.Increment(ref sendersDone);
        })).ToArray();
        var taking = Enumerable.Range(0, 2).Select(t => Task.Run(async () =>
        {
            while (true)
            {
                while (queue.TryTake(out var item))
                {
                    Interlocked.Increment(ref run.Done[run.IndexOf[item.Sequence]]);
                    queue.Settle(item, retryAt: null);
                }

                if (!await queue.WaitToTakeAsync(CancellationToken.None))
                {
                    return;
                }
            }
        })).ToArray();

        await Task.WhenAll(sending).WaitAsync(RealTimeGuard, TimeProvider.System);
        await queue.WhenEmpty().WaitAsync(RealTimeGuard, TimeProvider.System);
        queue.Complete();
        await Task.WhenAll(taking).WaitAsync(RealTimeGuard, TimeProvider.System);

        Assert.Multiple(() =>
        {
            Assert.That(Enumerable.Range(0, run.Total).Where(i => run.Done[i] + refused[i] != 1), Is.Empty, "each event refused or settled, exactly once");
            Assert.That(refused.Sum(), Is.GreaterThan(0), "the queue was full at times");
            Assert.That(mostPending, Is.InRange(1, Capacity));
            Assert.That(queue.Status, Is.EqualTo(new DestinationStatus("d", 0, 0, 0)));
        });
    }

    [Test]
    public async Task SendersRacingCloseIntake_AnEventToldStoppedIsNeverQueuedAndRoomAddsUp()
    {
        // Each round: senders fill a queue while intake closes at some instant; afterwards exactly the
        // events told Accepted are queued, and once they are settled no room is held.
        const int Rounds = 300;
        const int PerRound = 200;
        var mixed = 0;
        for (var round = 0; round < Rounds; round++)
        {
            var time = new FakeTimeProvider(Start);
            using var queue = new MemoryDeliveryQueue("d", PerRound, QueueFullMode.Wait, time);
            var accepted = 0;
            var stopped = 0;
            using var go = new Barrier(3);
            var senders = Enumerable.Range(0, 2).Select(s => Task.Run(async () =>
            {
                go.SignalAndWait(RealTimeGuard);
                for (var i = 0; i < PerRound / 2; i++)
                {
                    var item = new PendingEvent(TestEvents.Track(1), Start, owned: false);
                    var status = s == 0 ? await SendReservedAsync(queue, item, CancellationToken.None) : await queue.EnqueueAsync(item, CancellationToken.None);
                    Interlocked.Increment(ref status == SendStatus.Accepted ? ref accepted : ref stopped);
                }
            })).ToArray();
            var closing = Task.Run(() =>
            {
                go.SignalAndWait(RealTimeGuard);
                Thread.SpinWait(round * 10);
                queue.CloseIntake();
            });
            await Task.WhenAll([.. senders, closing]).WaitAsync(RealTimeGuard, TimeProvider.System);

            Assert.That(accepted + stopped, Is.EqualTo(PerRound));
            mixed += accepted > 0 && stopped > 0 ? 1 : 0;
            Assert.That(queue.Status.Queued, Is.EqualTo(accepted), $"round {round}: queued events = events told Accepted ({stopped} told Stopped)");
            while (queue.TryTake(out var item))
            {
                queue.Settle(item, retryAt: null);
            }

            // Room given back twice would leave the count below zero: the queue would never be empty again.
            Assert.That(queue.WhenEmpty().IsCompleted, Is.True, $"round {round}: no room held after everything settled");
        }

        Assert.That(mixed, Is.GreaterThan(Rounds / 4), "intake closed while events were being sent in enough rounds");
    }

    [Test]
    public void EnqueueReservedRacingCloseIntake_AnEventToldStoppedIsNeverQueued()
    {
        // The tightest form of the race above: one thread queues reserved events back to back while
        // another closes intake, many times over. An event is either queued and Accepted, or not
        // queued and Stopped with its room given back.
        const int Rounds = 10_000;
        const int PerRound = 64;
        var failures = new List<string>();
        var mixed = 0;
        var queues = new MemoryDeliveryQueue[Rounds];
        var results = new SendStatus[Rounds, PerRound];
        var time = new FakeTimeProvider(Start);
        for (var round = 0; round < Rounds; round++)
        {
            queues[round] = new MemoryDeliveryQueue("d", PerRound, QueueFullMode.Wait, time);
            Assert.That(queues[round].ReserveAsync(PerRound, CancellationToken.None).IsCompletedSuccessfully, Is.True);
        }

        using var go = new Barrier(2);
        var item = new PendingEvent(TestEvents.Track(1), Start, owned: false);
        var sender = new Thread(() =>
        {
            for (var round = 0; round < Rounds; round++)
            {
                go.SignalAndWait(RealTimeGuard);
                for (var i = 0; i < PerRound; i++)
                {
                    results[round, i] = queues[round].EnqueueReserved(item);
                }
            }
        });
        var closer = new Thread(() =>
        {
            for (var round = 0; round < Rounds; round++)
            {
                go.SignalAndWait(RealTimeGuard);
                // Closes once the sender is some way in (a different way each round), so it closes in its middle.
                var target = 1 + (round % (PerRound - 1));
                while (queues[round].Status.Queued < target)
                {
                    Thread.SpinWait(1);
                }

                queues[round].CloseIntake();
            }
        });
        sender.Start();
        closer.Start();
        Assert.That(sender.Join(RealTimeGuard) && closer.Join(RealTimeGuard), Is.True, "bounded in time");

        for (var round = 0; round < Rounds; round++)
        {
            var accepted = Enumerable.Range(0, PerRound).Count(i => results[round, i] == SendStatus.Accepted);
            mixed += accepted is > 0 and < PerRound ? 1 : 0;
            var queued = queues[round].Status.Queued;
            while (queues[round].TryTake(out var taken))
            {
                queues[round].Settle(taken, retryAt: null);
            }

            // Room given back twice would leave the count below zero: the queue would never be empty again.
            var empty = queues[round].WhenEmpty().IsCompleted;
            if (queued != accepted || !empty)
            {
                failures.Add($"round {round}: {queued} queued, {accepted} told Accepted, empty after settling all: {empty}");
            }

            queues[round].Dispose();
        }

        TestContext.Progress.WriteLine($"{mixed} of {Rounds} rounds closed intake mid-way, {failures.Count} failed");
        Assert.Multiple(() =>
        {
            Assert.That(failures, Is.Empty, "events queued although the sender was told Stopped (and their room given back)");
            Assert.That(mixed, Is.GreaterThan(Rounds / 4), "intake closed while events were being queued in enough rounds");
        });
    }

    [Test]
    public async Task RetriesReentering_AreCountedSomewhereAtEveryInstant()
    {
        // Events waiting for retry re-enter while another thread reads the status: each is counted
        // as waiting or as queued at every instant, never nowhere (a caller polling the status for
        // "nothing pending" would otherwise stop early).
        const int Events = 2_000;
        const int Rounds = 10;
        var fewest = Events;
        for (var round = 0; round < Rounds; round++)
        {
            fewest = Math.Min(fewest, await FewestCountedWhileRetriesReenterAsync(Events));
        }

        Assert.That(fewest, Is.EqualTo(Events), $"the fewest events the status counted at any instant, over {Rounds} rounds");
    }

    // Settles every event as a retry due within 100 ms, then advances the clock 1 ms at a time while another thread reads the status.
    private static async Task<int> FewestCountedWhileRetriesReenterAsync(int events)
    {
        var time = new FakeTimeProvider(Start);
        using var queue = new MemoryDeliveryQueue("d", events, QueueFullMode.Wait, time);
        for (var i = 0; i < events; i++)
        {
            var item = new PendingEvent(TestEvents.Track(1), Start, owned: false);
            await queue.EnqueueAsync(item, CancellationToken.None);
            Assert.That(queue.TryTake(out _), Is.True);
            queue.Settle(item, Start.AddMilliseconds(1 + (i % 100)));
        }

        var fewest = events;
        var advancing = true;
        using var go = new Barrier(2);
        var reader = Task.Run(() =>
        {
            go.SignalAndWait(RealTimeGuard);
            while (Volatile.Read(ref advancing))
            {
                fewest = Math.Min(fewest, queue.Status.Pending);
            }
        });
        var clock = Task.Run(() =>
        {
            go.SignalAndWait(RealTimeGuard);
            for (var ms = 0; ms < 100; ms++)
            {
                time.Advance(TimeSpan.FromMilliseconds(1));
            }

            Volatile.Write(ref advancing, false);
        });
        await Task.WhenAll(reader, clock).WaitAsync(RealTimeGuard, TimeProvider.System);

        Assert.That(queue.Status, Is.EqualTo(new DestinationStatus("d", events, 0, 0)), "all re-entered");
        return fewest;
    }

    // Sender s sends events s, s + senders, …: one event in three by reservation, some with a token
    // cancelled while it may wait; a cancelled event is sent again until it is accepted.
    private static async Task SendAsync(MemoryDeliveryQueue queue, Run run, int sender, int senders, int eventsPerSender)
    {
        var random = new Random(sender);
        for (var n = 0; n < eventsPerSender; n++)
        {
            var item = run.Items[(n * senders) + sender];
            while (true)
            {
                using var cancel = new CancellationTokenSource();
                var cancelling = random.Next(8) == 0 ? Task.Run(cancel.Cancel) : Task.CompletedTask;
                var status = random.Next(3) == 0
                    ? await SendReservedAsync(queue, item, cancel.Token)
                    : await queue.EnqueueAsync(item, cancel.Token);
                await cancelling;
                if (status == SendStatus.Accepted)
                {
                    break;
                }

                Assert.That(status, Is.EqualTo(SendStatus.Cancelled), "Wait mode with intake open: accepted or cancelled only");
                Interlocked.Increment(ref run.SendsCancelled);
            }
        }
    }

    private static async Task<SendStatus> SendReservedAsync(MemoryDeliveryQueue queue, PendingEvent item, CancellationToken cancellationToken)
    {
        var status = await queue.ReserveAsync(1, cancellationToken);
        return status == SendStatus.Accepted ? queue.EnqueueReserved(item) : status;
    }

    // Takes until the queue is completed. An event's first attempt fails for one event in five:
    // half of those are due again at once, the others a few milliseconds later on the fake clock.
    private static async Task TakeAsync(MemoryDeliveryQueue queue, Run run, FakeTimeProvider time, int taker)
    {
        var random = new Random(1000 + taker);
        while (true)
        {
            while (queue.TryTake(out var item))
            {
                var index = run.IndexOf[item.Sequence];
                Interlocked.Increment(ref run.Taken[index]);
                item.Attempts++;
                if (item.Attempts == 1 && index % 5 == 0)
                {
                    Interlocked.Increment(ref run.RetriesScheduled);
                    var at = index % 10 == 0 ? time.GetUtcNow() : time.GetUtcNow().AddMilliseconds(1 + (index % 4));
                    queue.Settle(item, at);
                }
                else
                {
                    // Counted before the event leaves: the run is over only once every event was settled.
                    Interlocked.Increment(ref run.Done[index]);
                    queue.Settle(item, retryAt: null);
                    if (Interlocked.Increment(ref run.DoneCount) == run.Total)
                    {
                        run.AllDone.TrySetResult();
                    }
                }
            }

            using var cancel = new CancellationTokenSource();
            var cancelling = random.Next(4) == 0 ? Task.Run(cancel.Cancel) : Task.CompletedTask;
            try
            {
                if (!await queue.WaitToTakeAsync(cancel.Token))
                {
                    return;
                }
            }
            catch (OperationCanceledException)
            {
                Interlocked.Increment(ref run.TakersCancelled);
            }

            await cancelling;
        }
    }

    // Moves the fake clock to the next retry whenever nothing is queued or in flight, so retries due
    // later come back; it never sleeps.
    private static async Task DriveRetriesAsync(MemoryDeliveryQueue queue, Run run, FakeTimeProvider time)
    {
        while (!run.AllDone.Task.IsCompleted)
        {
            await Task.WhenAny(run.AllDone.Task, queue.WhenIdle());
            if (queue.NextRetryDue is { } due)
            {
                var wait = due - time.GetUtcNow();
                time.Advance(wait > TimeSpan.Zero ? wait : TimeSpan.FromTicks(1));
            }
            else
            {
                await Task.Yield();
            }
        }
    }

    private sealed class Run
    {
        public readonly int Total;
        public readonly PendingEvent[] Items;
        public readonly Dictionary<long, int> IndexOf;
        public readonly int[] Taken;
        public readonly int[] Done;
        public readonly TaskCompletionSource AllDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public int DoneCount;
        public int RetriesScheduled;
        public int SendsCancelled;
        public int TakersCancelled;

        public Run(int total)
        {
            Total = total;
            var @event = TestEvents.Track(1);
            Items = new PendingEvent[total];
            for (var i = 0; i < total; i++)
            {
                Items[i] = new PendingEvent(@event, Start, owned: false);
            }

            // Sequences come from one process-wide counter, so they are mapped back rather than assumed consecutive.
            IndexOf = Items.Select((item, i) => (item.Sequence, i)).ToDictionary(p => p.Sequence, p => p.i);
            Taken = new int[total];
            Done = new int[total];
        }
    }
}
