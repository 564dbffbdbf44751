using Segment.Functions.Batching;
using Segment.Functions.Batching.Internal;

namespace Segment.Functions.Tests.Hosting;

/// <summary>
/// The low-volume fallback (SPEC §5, issue 12 item 2): only traffic under one event a second may
/// skip <c>OnBatch</c>; a burst reaches it whole, whatever came before.
/// </summary>
public sealed class LowVolumeBatchingTests
{
    private static Task<TestHost> CreateSut(Probe probe, Action<BatchingOptions>? batching = null) =>
        TestHost.StartAsync(
            o => batching?.Invoke(o.Batching),
            b => b.AddDestination<BatchProbeFunction, ProbeSettings>("Batcher", s => s.Probe = probe));

    // Sends `count` events `gap` apart on the fake clock (the host settled after each).
    private static async Task SendSpacedAsync(TestHost host, int first, int count, TimeSpan gap)
    {
        for (var i = first; i < first + count; i++)
        {
            Assert.That((await host.Functions.SendAsync(TestEvents.Track(i))).IsAccepted, Is.True);
            await host.SettleAsync();
            if (i < first + count - 1)
            {
                host.Time.Advance(gap);
                // A gap that ends an event's wait for company makes its batch busy inside Advance;
                // settle, so the next event does not race that event out of its wait.
                await host.SettleAsync();
            }
        }

        await host.SettleAsync();
    }

    [TestCase("nothing")]
    [TestCase("sparse traffic")]
    [TestCase("a burst, then quiet")]
    public async Task Burst_Of20WithinOneSecond_IsOneBatchOf20(string before)
    {
        var probe = new Probe();
        await using var host = await CreateSut(probe);
        var singlesBefore = 0;
        switch (before)
        {
            case "sparse traffic":
                await SendSpacedAsync(host, 1000, 6, TimeSpan.FromSeconds(5));
                host.Time.Advance(TimeSpan.FromSeconds(5));
                await host.SettleAsync();
                singlesBefore = 6;
                break;
            case "a burst, then quiet":
                await SendSpacedAsync(host, 1000, 20, TimeSpan.FromMilliseconds(10));
                host.Time.Advance(TimeSpan.FromMinutes(1));
                await host.SettleAsync();
                break;
        }

        var batchesBefore = probe.BatchSizes.Count;
        await SendSpacedAsync(host, 0, 20, TimeSpan.FromMilliseconds(45)); // 20 events in 855 ms

        Assert.That(probe.BatchSizes.Skip(batchesBefore), Is.EqualTo(new[] { 20 }), "one OnBatch of all 20");
        Assert.That(probe.Singles, Has.Count.EqualTo(singlesBefore), "none of the burst went to the single-event handler");
        Assert.That(host.Functions.GetCounts("Batcher").Delivered, Is.EqualTo(20 + (before == "nothing" ? 0 : before == "sparse traffic" ? 6 : 20)));
    }

    [Test]
    public async Task SparseTraffic_OneEventEveryFiveSeconds_GoesToTheSingleHandlerWithoutWaitingMaxWait()
    {
        var probe = new Probe();
        await using var host = await CreateSut(probe);

        for (var i = 0; i < 5; i++)
        {
            await host.Functions.SendAsync(TestEvents.Track(i));
            await host.SettleAsync();
            host.Time.Advance(TimeSpan.FromSeconds(1)); // the grace: one interval at one event a second
            await host.SettleAsync();
            Assert.That(probe.Singles.Select(e => e.MessageId).LastOrDefault(), Is.EqualTo($"m-{i}"), $"event {i} delivered 1 s after it came, not 10 s");
            host.Time.Advance(TimeSpan.FromSeconds(4));
        }

        Assert.That(probe.BatchSizes, Is.Empty);
        Assert.That(probe.Singles, Has.Count.EqualTo(5));
    }

    [Test]
    public async Task SteadyTraffic_TwoEventsASecond_GoesToOnBatch()
    {
        var probe = new Probe();
        await using var host = await CreateSut(probe);

        await SendSpacedAsync(host, 0, 10, TimeSpan.FromMilliseconds(500)); // 4.5 s
        host.Time.Advance(TimeSpan.FromSeconds(5.5)); // MaxWait (10 s) after the first
        await host.SettleAsync();

        Assert.That(probe.BatchSizes, Is.EqualTo(new[] { 10 }));
        Assert.That(probe.Singles, Is.Empty);
    }

    [Test]
    public async Task LowVolume_AtMaxSizeOne_EveryEventGoesAloneAtOnce()
    {
        var probe = new Probe();
        await using var host = await CreateSut(probe, b => b.MaxSize = 1);

        for (var i = 0; i < 3; i++)
        {
            await host.Functions.SendAsync(TestEvents.Track(i));
        }

        await host.SettleAsync();

        Assert.That(probe.Singles, Has.Count.EqualTo(3), "without moving the clock");
        Assert.That(probe.BatchSizes, Is.Empty);
    }

    [TestCase(1.0, 10_000, 1_000)]
    [TestCase(4.0, 10_000, 250)]
    [TestCase(1.0, 300, 300)]
    public void Grace_IsOneIntervalOfTheRate_AtMostMaxWait(double perSecond, int maxWaitMs, int expectedMs)
    {
        var options = new BatchingOptions { LowVolumeEventsPerSecond = perSecond, MaxWait = TimeSpan.FromMilliseconds(maxWaitMs) };

        Assert.That(LowVolumeGrace.For(options), Is.EqualTo(TimeSpan.FromMilliseconds(expectedMs)));
    }

    [Test]
    public void Grace_IsNone_WhenTheFallbackIsOff() =>
        Assert.That(LowVolumeGrace.For(new BatchingOptions { LowVolumeEventsPerSecond = 0 }), Is.Null);
}
