using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Segment.Functions.Delivery;
using Segment.Functions.Hosting;

namespace Segment.Functions.Tests.Hosting;

/// <summary>
/// One destination's handler blocking its thread costs only that destination: the others keep their
/// latency, and the timeout still frees the blocked destination's slot for its next event.
/// </summary>
public sealed class IsolationTests
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(60);

    /// <summary>Send-to-final-record latency of each event of a destination, in real time.</summary>
    private sealed class Latencies : IDeliveryObserver
    {
        public ConcurrentDictionary<string, ConcurrentQueue<TimeSpan>> ByDestination { get; } = new();

        public void OnRecorded(DeliveryRecord record)
        {
            if (record.IsTerminal)
            {
                ByDestination.GetOrAdd(record.Destination, static _ => new()).Enqueue(record.LastAttemptAt - record.AcceptedAt);
            }
        }

        public TimeSpan P99(string destination, int skip)
        {
            var sorted = ByDestination[destination].Skip(skip).Order().ToArray();
            return sorted[(int)Math.Ceiling(0.99 * sorted.Length) - 1];
        }

        public int Count(string destination) => ByDestination.TryGetValue(destination, out var q) ? q.Count : 0;
    }

    // The measurement as a user would make it, on real threads and the real clock: A's
    // handler blocks its thread before its first await in every one of its 16 slots; B, sent 100
    // events a second, must keep its unloaded latency (within 100 ms at p99).
    [Test]
    [CancelAfter(120_000)]
    public async Task HandlerBlockingItsThread_InEverySlotOfA_LeavesBsLatencyAsItWas()
    {
        const int Slots = 16;
        const int BEvents = 100;
        using var gate = new ManualResetEventSlim(false);
        var blocked = 0;
        var a = new Probe
        {
            Handle = (_, _, _) =>
            {
                Interlocked.Increment(ref blocked);
                gate.Wait(); // synchronously, before any await: the thread is held (Thread.Sleep would do the same)
                return Task.CompletedTask;
            },
        };
        var latencies = new Latencies();
        var services = new ServiceCollection();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<IDeliveryObserver>(latencies);
        services.AddSegmentFunctions(o =>
            {
                o.MaxConcurrency = Slots;
                o.Invocation.Timeout = TimeSpan.FromMinutes(5); // not what is tested here
            })
            .AddDestination<ProbeFunction, ProbeSettings>("A", s => s.Probe = a)
            .AddDestination<ProbeFunction, ProbeSettings>("B", s => s.Probe = new Probe());
        await using var provider = services.BuildServiceProvider();
        var hosted = provider.GetServices<IHostedService>().ToArray();
        foreach (var service in hosted)
        {
            await service.StartAsync(CancellationToken.None);
        }

        var functions = provider.GetRequiredService<ISegmentFunctions>();
        var onlyB = new SendOptions { Destinations = new HashSet<string> { "B" } };
        var onlyA = new SendOptions { Destinations = new HashSet<string> { "A" } };
        try
        {
            // Unloaded: B alone (the first ten warm up and are not counted).
            await SendPacedAsync(functions, onlyB, from: 0, BEvents);
            await WaitUntilAsync(() => latencies.Count("B") == BEvents);
            var unloaded = latencies.P99("B", skip: 10);

            // A blocks every one of its slots, and more of its events wait behind them.
            for (var i = 0; i < Slots * 2; i++)
            {
                Assert.That((await functions.SendAsync(TestEvents.Track(10_000 + i), onlyA)).IsAccepted, Is.True);
            }

            // B's events go out at once, while A's handlers take and block their threads one after
            // another: on shared threads this is when B would wait for the pool to grow.
            await SendPacedAsync(functions, onlyB, from: BEvents, BEvents);
            await WaitUntilAsync(() => latencies.Count("B") == 2 * BEvents);
            await WaitUntilAsync(() => Volatile.Read(ref blocked) == Slots);
            var loaded = latencies.P99("B", skip: BEvents);
            await TestContext.Out.WriteLineAsync($"B p99: {unloaded.TotalMilliseconds:F2} ms alone, {loaded.TotalMilliseconds:F2} ms while A blocked all {Slots} slots");

            Assert.That(functions.GetStatus("A"), Is.EqualTo(new DestinationStatus("A", Queued: Slots, InFlight: Slots, WaitingForRetry: 0)), "A is still blocked in every slot");
            Assert.That(loaded, Is.LessThanOrEqualTo(unloaded + TimeSpan.FromMilliseconds(100)), $"B's p99 was {unloaded.TotalMilliseconds:F1} ms alone and {loaded.TotalMilliseconds:F1} ms while A blocked");
            Assert.That(functions.GetCounts("B").Delivered, Is.EqualTo(2 * BEvents));
        }
        finally
        {
            gate.Set();
        }

        await functions.WaitForCompletionAsync().WaitAsync(Guard);
        Assert.That(functions.GetCounts("A").Delivered, Is.EqualTo(Slots * 2), "A delivers everything once unblocked");
        foreach (var service in hosted.Reverse())
        {
            await service.StopAsync(CancellationToken.None);
        }
    }

    // The timeout frees the slot even when the handler never gives its thread back: the event is
    // recorded as timed out (and retried later), the next event runs on another thread, and the
    // overrun is logged once with the destination's name.
    [Test]
    public async Task HandlerBlockingPastItsTimeout_IsTakenOver_AndTheNextEventRunsWhileItStillBlocks()
    {
        var timeout = TimeSpan.FromSeconds(5);
        using var gate = new ManualResetEventSlim(false);
        var first = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var blocker = new Probe
        {
            Handle = (e, attempt, _) =>
            {
                if (e.MessageId == "m-0" && attempt == 1)
                {
                    first.TrySetResult();
                    gate.Wait(); // ignores its token and holds its thread
                }

                return Task.CompletedTask;
            },
        };
        var store = new RecordingStore();
        await using var host = await TestHost.StartAsync(
            o =>
            {
                o.MaxConcurrency = 1;
                o.Invocation.Timeout = timeout;
            },
            b => b.AddDestination<ProbeFunction, ProbeSettings>("Blocker", s => s.Probe = blocker),
            services => services.AddSingleton<IDeliveryStore>(store).AddLogging(l => l.AddFakeLogging()));
        try
        {
            await host.Functions.SendAsync(TestEvents.Track(0));
            await host.Functions.SendAsync(TestEvents.Track(1));
            await first.Task.WaitAsync(Guard);
            Assert.That(host.Functions.GetStatus("Blocker"), Is.EqualTo(new DestinationStatus("Blocker", Queued: 1, InFlight: 1, WaitingForRetry: 0)), "m-1 waits for the only slot");

            host.Time.Advance(timeout);
            await store.WhenTerminal("Blocker", 1);

            var records = host.Records("Blocker");
            var timedOut = records.Single(r => r.MessageId == "m-0");
            Assert.That((timedOut.State, timedOut.Reason, timedOut.Attempts), Is.EqualTo((DeliveryState.Retrying, OutcomeReason.Timeout, 1)));
            Assert.That(records.Single(r => r.MessageId == "m-1").State, Is.EqualTo(DeliveryState.Delivered), "the next event ran while m-0's handler still blocks");
            Assert.That(gate.IsSet, Is.False);
            var overran = host.Services.GetFakeLogCollector().GetSnapshot().Where(r => r.Message.Contains("does not give back its thread", StringComparison.Ordinal)).ToArray();
            Assert.That(overran, Has.Length.EqualTo(1));
            Assert.That(overran[0].Message, Does.Contain("Blocker"));
        }
        finally
        {
            gate.Set();
        }

        // The blocked call's late return changes nothing: m-0 is retried and delivered once.
        await host.RunToCompletionAsync(TimeSpan.FromSeconds(10));
        Assert.That(store.TerminalRecordsPerEvent, Is.All.EqualTo(1));
        Assert.That(host.Functions.GetCounts("Blocker").Delivered, Is.EqualTo(2));
    }

    private static async Task SendPacedAsync(ISegmentFunctions functions, SendOptions options, int from, int count)
    {
        for (var i = 0; i < count; i++)
        {
            Assert.That((await functions.SendAsync(TestEvents.Track(from + i), options)).IsAccepted, Is.True);
            await Task.Delay(TimeSpan.FromMilliseconds(10), TimeProvider.System); // 100 events a second
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var started = TimeProvider.System.GetTimestamp();
        while (!condition())
        {
            Assert.That(TimeProvider.System.GetElapsedTime(started), Is.LessThan(Guard), "the condition did not hold in time");
            await Task.Delay(TimeSpan.FromMilliseconds(5), TimeProvider.System);
        }
    }
}
