using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Segment.Functions.Delivery;

namespace Segment.Functions.Tests.Hosting;

public sealed class ConservationTests
{
    private const int EventCount = 100_000;
    private const int Senders = 4;

    [Test]
    [Category("Long")]
    public async Task ManyEvents_TransientFailures_EveryRoutedEventEndsInExactlyOneTerminalRecord()
    {
        var store = new RecordingStore();
        await using var host = await TestHost.StartAsync(
            o =>
            {
                o.QueueCapacity = 5_000;
                o.Batching.MaxSize = 50;
                o.Retry.MaxDelay = TimeSpan.FromMinutes(5);
            },
            b => b.AddChaosDestinations(),
            services => services.AddSingleton<IDeliveryStore>(store));

        var expected = ChaosRouting.Expected(EventCount);

        // Concurrent senders, each its own slice; as JSON so the parse path is part of it. Meanwhile the
        // clock is driven: queues fill to capacity and senders wait, so time must move for retries to free room.
        var senders = Enumerable.Range(0, Senders).Select(s => Task.Run(async () =>
        {
            var accepted = 0;
            for (var i = s; i < EventCount; i += Senders)
            {
                var json = ChaosRouting.Json(i);
                var result = await host.Functions.SendAsync(Encoding.UTF8.GetBytes(json));
                accepted += result.IsAccepted ? 1 : 0;
            }

            return accepted;
        })).ToArray();
        var sending = Task.WhenAll(senders);
        var peakPending = 0;
        while (!sending.IsCompleted)
        {
            await host.SettleAsync();
            peakPending = Math.Max(peakPending, host.Functions.Destinations.Max(d => host.Functions.GetStatus(d).Pending));
            host.Time.Advance(TimeSpan.FromSeconds(30));
        }

        Assert.That(peakPending, Is.InRange(1, 5_000), "memory is bounded: no destination ever held more than its QueueCapacity");

        Assert.That((await sending).Sum(), Is.EqualTo(EventCount));

        // Mid-way: every routed event is delivered, discarded, expired, or still pending.
        await host.SettleAsync();
        foreach (var (destination, routed) in expected)
        {
            var counts = host.Functions.GetCounts(destination);
            var pending = host.Functions.GetStatus(destination).Pending;
            Assert.That(counts.Delivered + counts.DiscardedTotal + counts.Expired + pending, Is.EqualTo(routed), destination);
        }

        await host.RunToCompletionAsync(TimeSpan.FromMinutes(5), maxSteps: 500);

        Assert.That(store.TerminalRecordsPerEvent, Is.All.EqualTo(1), "exactly one terminal record per event and destination");
        foreach (var (destination, routed) in expected)
        {
            var counts = host.Functions.GetCounts(destination);
            Assert.That(store.TerminalEvents(destination), Is.EqualTo(routed), destination);
            Assert.That(counts.Delivered + counts.DiscardedTotal + counts.Expired, Is.EqualTo(routed), destination);
            Assert.That(counts.Retrying, Is.Zero, destination);
            Assert.That(counts.Expired, Is.GreaterThan(0), $"{destination}: the always-failing events expire");
            Assert.That(counts.Discarded[OutcomeReason.MessageRejected], Is.GreaterThan(0), destination);
        }

        Assert.That(host.Functions.Destinations.Select(d => host.Functions.GetStatus(d).Pending), Is.All.Zero);
    }
}
