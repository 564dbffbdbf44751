using Segment.Functions.Delivery;
using Segment.Functions.Hosting;
using Segment.Functions.Tests.Hosting;

namespace Segment.Functions.Tests.Retries;

/// <summary>A retry's record says when its next attempt is due; a final record says nothing.</summary>
public sealed class NextAttemptRecordTests
{
    [Test]
    public async Task RetryRecord_HasTheNextAttemptTime_AndTheFinalRecordHasNone()
    {
        var probe = new Probe { Handle = static (_, attempt, _) => attempt == 1 ? throw new RetryError("busy") { RetryAfter = TimeSpan.FromMinutes(5) } : Task.CompletedTask };
        await using var host = await TestHost.StartAsync(null, b => b.AddDestination<ProbeFunction, ProbeSettings>("Webhook", s => s.Probe = probe));

        await host.Functions.SendAsync(TestEvents.Track(1));
        await host.SettleAsync();
        var retry = host.Records("Webhook").Single();
        host.Time.Advance(TimeSpan.FromMinutes(10));
        await host.RunToCompletionAsync(TimeSpan.FromMinutes(1));

        Assert.That(retry.State, Is.EqualTo(DeliveryState.Retrying));
        Assert.That(retry.NextAttemptAt, Is.GreaterThanOrEqualTo(retry.LastAttemptAt + TimeSpan.FromMinutes(5)));
        var final = host.Records("Webhook")[^1];
        Assert.That(final.State, Is.EqualTo(DeliveryState.Delivered));
        Assert.That(final.NextAttemptAt, Is.Null);
        Assert.That(final.LastAttemptAt, Is.GreaterThanOrEqualTo(retry.NextAttemptAt!.Value));
    }
}
