using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Segment.Functions.AspNetCore;

namespace Segment.Functions.Tests.Ingestion;

/// <summary>
/// The real @segment/analytics-node SDK (3.1.0) against the ingestion endpoint on loopback. Needs
/// Node.js; the SDK is installed with npm into artifacts/node when it is not there yet.
/// </summary>
[Category("Node")]
public sealed class AnalyticsNodeTests
{
    private const string SdkVersion = "3.1.0";
    private const string Key = "node-write-key";

    [Test]
    public async Task RealSdk_EachCallReachesTheFunctionsWithItsFields()
    {
        await NodeTools.EnsurePackageAsync("@segment/analytics-node", SdkVersion);
        await using var server = await IngestionServer.StartAsync(o => o.WriteKeys.Add(new IngestionWriteKey { Key = Key }));

        var (exit, output) = await NodeTools.RunScriptAsync("send-with-analytics-node.js", server.BaseUrl, Key);
        Assert.That(exit, Is.Zero, output);
        await server.SettleAsync();

        var received = server.A.Singles.ToDictionary(e => e.Type);
        Assert.That(received.Keys, Is.EquivalentTo(new[] { "identify", "track", "page", "screen", "group", "alias" }), output);
        Assert.That(received.Values.Select(e => e.UserId), Is.All.EqualTo("node-user"));
        Assert.That(received.Values.Select(e => (string?)e.Context["library"]?["name"]), Is.All.EqualTo("@segment/analytics-node"));
        Assert.That(received.Values.Select(e => (string?)e.Context["library"]?["version"]), Is.All.EqualTo(SdkVersion));
        // The device's time is kept; timestamp is corrected for the device's clock as the platform does it.
        Assert.That(received.Values.Select(e => e.OriginalTimestamp), Is.All.EqualTo(DateTimeOffset.Parse("2026-03-04T05:06:07.123Z")));
        Assert.That(received.Values.Select(e => e.Timestamp), Is.EqualTo(received.Values.Select(e => e.ReceivedAt - (e.SentAt - e.OriginalTimestamp))));
        Assert.That(received.Values.Select(e => e.ReceivedAt), Is.All.EqualTo(server.Time.GetUtcNow()));
        Assert.That(received.Values.Select(e => e.MessageId), Is.All.Not.Null.And.All.Not.Empty);

        var identify = (IdentifyEvent)received["identify"];
        Assert.That(((string?)identify.Traits["email"], (string?)identify.Traits["plan"]), Is.EqualTo(("node@example.com", "pro")));
        var track = (TrackEvent)received["track"];
        Assert.That((track.Event, (double?)track.Properties["revenue"], (string?)track.Properties["currency"]), Is.EqualTo(("Order Completed", 42.5, "USD")));
        var page = (PageEvent)received["page"];
        Assert.That((page.Name, page.Category, (string?)page.Properties["path"]), Is.EqualTo(("Pricing", "Docs", "/pricing")));
        var screen = (ScreenEvent)received["screen"];
        Assert.That((screen.Name, (string?)screen.Properties["variant"]), Is.EqualTo(("Home", "b")));
        var group = (GroupEvent)received["group"];
        Assert.That((group.GroupId, (string?)group.Traits["name"]), Is.EqualTo(("org-7", "Acme Inc")));
        var alias = (AliasEvent)received["alias"];
        Assert.That(alias.PreviousId, Is.EqualTo("anon-99"));
        Assert.That(server.Functions.GetCounts("A").Delivered, Is.EqualTo(6));
    }

    [Test]
    public async Task RealSdk_BurstLargerThanTheQueue_EveryEventDeliveredOncePerDestination()
    {
        const int Count = 3_000;
        await NodeTools.EnsurePackageAsync("@segment/analytics-node", SdkVersion);
        await using var server = await IngestionServer.StartAsync(
            o =>
            {
                o.WriteKeys.Add(new IngestionWriteKey { Key = Key });
                o.MaxConcurrentRequests = 4;
                o.MaxWaitForRoom = TimeSpan.FromSeconds(1);
            },
            host: o => { o.QueueCapacity = 250; o.MaxConcurrency = 4; });
        // Slow destinations (2 ms per event, 4 at a time): the SDK sends far faster than they deliver.
        server.A.Handle = server.B.Handle = static (_, _, _) => Task.Delay(TimeSpan.FromMilliseconds(2), TimeProvider.System);

        using var refused = new MetricCollector<long>(server.Services.GetRequiredService<IMeterFactory>(), "Segment.Functions", "segment.functions.ingestion.refused");

        // The endpoint's wait for room runs on the fake clock: move it while the SDK sends, so waits end in 429s.
        using var stop = new CancellationTokenSource();
        var clock = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                server.Time.Advance(TimeSpan.FromMilliseconds(250));
                await Task.Delay(TimeSpan.FromMilliseconds(25), TimeProvider.System);
            }
        });
        var (exit, output) = await NodeTools.RunScriptAsync("burst-with-analytics-node.js", server.BaseUrl, Key, Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await server.SettleAsync();
        stop.Cancel();
        await clock;

        Assert.That(exit, Is.Zero, output);
        Assert.That(output, Does.Contain($"delivered {Count}, failures 0"));
        foreach (var probe in new[] { server.A, server.B })
        {
            var indexes = probe.Singles.Select(e => (int)((TrackEvent)e).Properties["i"]!).ToArray();
            Assert.That(indexes, Has.Length.EqualTo(Count), "no event twice, none lost");
            Assert.That(indexes.Distinct().Count(), Is.EqualTo(Count));
        }

        Assert.That(server.Functions.GetCounts("A").Delivered, Is.EqualTo(Count));
        Assert.That(server.Functions.GetCounts("B").Delivered, Is.EqualTo(Count));
        Assert.That(refused.GetMeasurementSnapshot().EvaluateAsCounter(), Is.GreaterThan(0), "the burst was larger than the endpoint takes: some requests were told to come back");
        TestContext.Out.WriteLine($"refused requests: {refused.GetMeasurementSnapshot().EvaluateAsCounter()}; {output.Trim()}");
    }
}
