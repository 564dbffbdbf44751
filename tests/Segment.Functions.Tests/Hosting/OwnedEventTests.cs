using System.Text.Json.Nodes;
using Segment.Functions.Delivery;

namespace Segment.Functions.Tests.Hosting;

/// <summary>
/// An event the host parsed itself for a single destination reaches the handler without a copy; a
/// handler that changes it and fails must not change what its record keeps or what its retry sees.
/// </summary>
public sealed class OwnedEventTests
{
    [Test]
    public async Task HandlerThatChangesItsEventAndFails_LeavesTheRecordAndTheRetryWithTheEventAsSent()
    {
        var seen = new List<string?>();
        var probe = new Probe
        {
            Handle = (e, attempt, _) =>
            {
                var track = (TrackEvent)e;
                lock (seen)
                {
                    seen.Add(track.Properties.TryGetPropertyValue("changed", out var value) ? value?.ToJsonString() : null);
                }

                track.Properties["changed"] = $"by attempt {attempt}";
                return attempt == 1 ? Task.FromException(new RetryError("try again")) : Task.CompletedTask;
            },
        };
        await using var host = await TestHost.StartAsync(null, b => b.AddDestination<ProbeFunction, ProbeSettings>("Only", s => s.Probe = probe));

        Assert.That((await host.SendJsonAsync(TestEvents.TrackJson(1))).IsAccepted, Is.True);
        await host.RunToCompletionAsync(TimeSpan.FromSeconds(5));

        Assert.That(seen, Is.EqualTo(new string?[] { null, null }), "each attempt sees the event as it was sent");
        var retry = host.Records("Only").First(r => r.State == DeliveryState.Retrying);
        Assert.That(JsonNode.Parse(retry.EventJson)!["properties"]?["changed"], Is.Null, "the record keeps the event as it was sent");
        Assert.That(host.Functions.GetCounts("Only").Delivered, Is.EqualTo(1));
    }

    [Test]
    public async Task EventGivenAsAnObject_IsCopiedForTheHandler_SoTheCallersInstanceStaysAsItWas()
    {
        var probe = new Probe
        {
            Handle = (e, _, _) =>
            {
                ((TrackEvent)e).Properties["changed"] = true;
                return Task.CompletedTask;
            },
        };
        await using var host = await TestHost.StartAsync(null, b => b.AddDestination<ProbeFunction, ProbeSettings>("Only", s => s.Probe = probe));
        var sent = TestEvents.Track(1);

        await host.Functions.SendAsync(sent);
        await host.SettleAsync();

        Assert.That(((TrackEvent)sent).Properties.ContainsKey("changed"), Is.False, "the caller still holds its event: the handler got a copy");
        Assert.That(probe.Singles.Single(), Is.Not.SameAs(sent));
    }
}
