using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Segment.Functions.Delivery;

namespace Segment.Functions.Tests.Hosting;

public sealed class ChaosSettings
{
    [Setting(Label = "Name", Required = true)]
    public string Name { get; set; } = "";
}

/// <summary>
/// Fails by rule, deterministically per (destination, event, attempt): ~10% of attempts fail
/// transiently, events whose number ends in 003/053/… are rejected for good, and those ending in
/// 7 of every 1000 always fail (so they expire).
/// </summary>
public class ChaosFunction : DestinationFunction<ChaosSettings>
{
    private readonly ConcurrentDictionary<string, int> _attempts = new();

    public override async Task OnTrack(TrackEvent @event, ChaosSettings settings, CancellationToken cancellationToken)
    {
        var outcome = Decide(@event, settings);
        if (@event.MessageId!.EndsWith('5'))
        {
            // A tenth of the calls complete later, on another thread, as real I/O would.
            await Task.Yield();
        }

        switch (outcome)
        {
            case 200:
                return;
            case 400:
                throw new ValidationError("rejected by rule");
            default:
                throw new RetryError("transient by rule");
        }
    }

    internal int Decide(SegmentEvent @event, ChaosSettings settings)
    {
        var id = @event.MessageId!;
        var number = int.Parse(id.AsSpan(2));
        var attempt = _attempts.AddOrUpdate(id, 1, static (_, n) => n + 1);
        if (number % 50 == 3)
        {
            return 400;
        }

        if (number % 1000 == 7)
        {
            return 503;
        }

        return (uint)HashCode.Combine(settings.Name, number, attempt) % 10 == 0 ? 503 : 200;
    }
}

public sealed class BatchingChaosFunction : ChaosFunction
{
    public override Task<BatchResult> OnBatch(IReadOnlyList<SegmentEvent> events, ChaosSettings settings, CancellationToken cancellationToken) =>
        Task.FromResult(BatchResult.FromStatuses(events.Select(e => new EventStatus(Decide(e, settings)))));
}

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
            b => b
                .AddDestination<ChaosFunction, ChaosSettings>("Single", s => s.Name = "Single")
                .AddDestination<BatchingChaosFunction, ChaosSettings>("Batcher", s => s.Name = "Batcher")
                .AddDestination<ChaosFunction, ChaosSettings>("Filtered", s => s.Name = "Filtered", d => d.Filter = e => int.Parse(e.MessageId!.AsSpan(2)) % 3 == 0),
            services => services.AddSingleton<IDeliveryStore>(store));

        var expected = new Dictionary<string, int> { ["Single"] = 0, ["Batcher"] = 0, ["Filtered"] = 0 };
        for (var i = 0; i < EventCount; i++)
        {
            expected["Single"]++;
            expected["Batcher"] += i % 10 == 1 ? 0 : 1;
            expected["Filtered"] += i % 3 == 0 ? 1 : 0;
        }

        // Concurrent senders, each its own slice; as JSON so the parse path is part of it. Meanwhile the
        // clock is driven: queues fill to capacity and senders wait, so time must move for retries to free room.
        var senders = Enumerable.Range(0, Senders).Select(s => Task.Run(async () =>
        {
            var accepted = 0;
            for (var i = s; i < EventCount; i += Senders)
            {
                var json = TestEvents.TrackJson(i, integrations: i % 10 == 1 ? """{"Batcher":false}""" : null);
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
