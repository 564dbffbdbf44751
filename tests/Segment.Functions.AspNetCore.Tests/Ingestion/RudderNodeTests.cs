using Segment.Functions.AspNetCore;

namespace Segment.Functions.Tests.Ingestion;

/// <summary>The real @rudderstack/rudder-sdk-node SDK (3.0.13, gzip on) against the ingestion endpoint on loopback.</summary>
[Category("Node")]
public sealed class RudderNodeTests
{
    private const string Key = "rudder-write-key";

    [Test]
    public async Task RealSdk_EachMessageTypeArrives_WithItsTimestampsFilled()
    {
        await NodeTools.EnsurePackageAsync("@rudderstack/rudder-sdk-node", "3.0.13");
        await using var server = await IngestionServer.StartAsync(o => o.WriteKeys.Add(new IngestionWriteKey { Key = Key }));

        var (exit, output) = await NodeTools.RunScriptAsync("send-with-rudder-node.js", server.BaseUrl, Key);
        Assert.That(exit, Is.Zero, output);
        await server.SettleAsync();

        var received = server.A.Singles.ToDictionary(e => e.Type);
        Assert.That(received.Keys, Is.EquivalentTo(new[] { "identify", "track", "page", "screen", "group", "alias" }), output);
        Assert.That(received.Values.Select(e => e.UserId), Is.All.EqualTo("rudder-user"));
        Assert.That(received.Values.Select(e => e.WriteKey), Is.All.Null);
        // RudderStack sends originalTimestamp and sentAt but no timestamp: the server fills it, corrected.
        Assert.That(received.Values.Select(e => e.OriginalTimestamp), Is.All.Not.Null);
        Assert.That(received.Values.Select(e => e.ReceivedAt), Is.All.EqualTo(server.Time.GetUtcNow()));
        Assert.That(received.Values.Select(e => e.Timestamp), Is.EqualTo(received.Values.Select(e => e.ReceivedAt - (e.SentAt - e.OriginalTimestamp))));
        Assert.That(((TrackEvent)received["track"]).Event, Is.EqualTo("Order Completed"));
        Assert.That(((PageEvent)received["page"]).Name, Is.EqualTo("Pricing"));
        Assert.That(((ScreenEvent)received["screen"]).Name, Is.EqualTo("Home"));
        Assert.That(((GroupEvent)received["group"]).GroupId, Is.EqualTo("org-7"));
        Assert.That(((AliasEvent)received["alias"]).PreviousId, Is.EqualTo("anon-7"));
        Assert.That(server.Functions.GetCounts("A").Delivered, Is.EqualTo(6));
    }
}
