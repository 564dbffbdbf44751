using System.Collections.Concurrent;
using Segment.Functions.Hosting;

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

/// <summary>The conservation tests' three destinations and which events each takes: "Single" all, "Batcher" all but those that turn it off by <c>integrations</c>, "Filtered" every third.</summary>
internal static class ChaosRouting
{
    public static SegmentFunctionsBuilder AddChaosDestinations(this SegmentFunctionsBuilder builder) => builder
        .AddDestination<ChaosFunction, ChaosSettings>("Single", s => s.Name = "Single")
        .AddDestination<BatchingChaosFunction, ChaosSettings>("Batcher", s => s.Name = "Batcher")
        .AddDestination<ChaosFunction, ChaosSettings>("Filtered", s => s.Name = "Filtered", d => d.Filter = e => int.Parse(e.MessageId!.AsSpan(2)) % 3 == 0);

    /// <summary>Event <paramref name="i"/> as JSON; every tenth turns "Batcher" off.</summary>
    public static string Json(int i) => TestEvents.TrackJson(i, integrations: i % 10 == 1 ? """{"Batcher":false}""" : null);

    /// <summary>How many of events 0 to <paramref name="count"/> - 1 each destination takes.</summary>
    public static Dictionary<string, int> Expected(int count)
    {
        var expected = new Dictionary<string, int> { ["Single"] = 0, ["Batcher"] = 0, ["Filtered"] = 0 };
        for (var i = 0; i < count; i++)
        {
            expected["Single"]++;
            expected["Batcher"] += i % 10 == 1 ? 0 : 1;
            expected["Filtered"] += i % 3 == 0 ? 1 : 0;
        }

        return expected;
    }
}
