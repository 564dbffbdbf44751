using Segment.Functions.Batching;
using Segment.Functions.Delivery;
using Segment.Functions.Testing;

namespace Segment.Functions.Tests.Hosting;

public sealed class BatchingTests
{
    private static Task<TestHost> CreateSut(Probe probe, Action<BatchingOptions>? batching = null) =>
        TestHost.StartAsync(
            o =>
            {
                o.Batching.LowVolumeEventsPerSecond = 0;
                o.MaxConcurrency = 1;
                batching?.Invoke(o.Batching);
            },
            b => b.AddDestination<BatchProbeFunction, ProbeSettings>("Batcher", s => s.Probe = probe));

    private static async Task SendAsync(TestHost host, int count, int first = 0)
    {
        for (var i = first; i < first + count; i++)
        {
            Assert.That((await host.Functions.SendAsync(TestEvents.Track(i))).IsAccepted, Is.True);
        }
    }

    [Test]
    public async Task Batch_FlushesAtMaxSizeWithoutWaiting()
    {
        var probe = new Probe();
        await using var host = await CreateSut(probe);

        await SendAsync(host, 40);
        await host.SettleAsync();

        Assert.That(probe.BatchSizes, Is.EqualTo(new[] { 20, 20 }));
        Assert.That(host.Functions.GetCounts("Batcher").Delivered, Is.EqualTo(40));
    }

    [Test]
    public async Task Batch_PartlyFilled_FlushesWhenMaxWaitPasses()
    {
        var probe = new Probe();
        await using var host = await CreateSut(probe);

        await SendAsync(host, 5);
        await host.SettleAsync();
        Assert.That(probe.BatchSizes, Is.Empty, "held back until the batch fills or its time is up");
        Assert.That(host.Functions.GetStatus("Batcher").Queued, Is.EqualTo(5));

        host.Time.Advance(TimeSpan.FromSeconds(9));
        await host.SettleAsync();
        Assert.That(probe.BatchSizes, Is.Empty);

        host.Time.Advance(TimeSpan.FromSeconds(1));
        await host.SettleAsync();
        Assert.That(probe.BatchSizes, Is.EqualTo(new[] { 5 }));
        Assert.That(host.Functions.GetCounts("Batcher").Delivered, Is.EqualTo(5));
    }

    [Test]
    public async Task Batch_MixesEventTypes()
    {
        var probe = new Probe();
        await using var host = await CreateSut(probe, b => b.MaxSize = 3);

        await host.Functions.SendAsync(SampleEvents.Track());
        await host.Functions.SendAsync(SampleEvents.Identify());
        await host.Functions.SendAsync(SampleEvents.Page());
        await host.SettleAsync();

        Assert.That(probe.BatchSizes, Is.EqualTo(new[] { 3 }));
        Assert.That(host.Records("Batcher").Select(r => r.EventType), Is.EquivalentTo(new[] { "track", "identify", "page" }));
    }

    [Test]
    public async Task Batch_OfOneEvent_GoesToTheSingleEventHandler()
    {
        var probe = new Probe();
        await using var host = await CreateSut(probe);

        await SendAsync(host, 1);
        await host.SettleAsync();
        host.Time.Advance(TimeSpan.FromSeconds(10));
        await host.SettleAsync();

        Assert.That(probe.BatchSizes, Is.Empty);
        Assert.That(probe.Singles.Select(e => e.MessageId), Is.EqualTo(new[] { "m-0" }));
    }

    [Test]
    public async Task Batch_PerEventStatuses_RetryOnlyTheFailedEvents()
    {
        var probe = new Probe();
        probe.HandleBatch = (events, call, _) => Task.FromResult(call == 1
            ? BatchResult.FromStatuses([new EventStatus(200), new EventStatus(503, "busy"), new EventStatus(400, "bad email")])
            : BatchResult.Delivered);
        await using var host = await CreateSut(probe, b => b.MaxSize = 3);

        await SendAsync(host, 3);
        await host.RunToCompletionAsync(TimeSpan.FromMinutes(1));

        var last = host.Records("Batcher").GroupBy(r => r.MessageId).ToDictionary(g => g.Key, g => g.Last());
        Assert.That((last["m-0"].State, last["m-0"].Attempts), Is.EqualTo((DeliveryState.Delivered, 1)));
        Assert.That((last["m-1"].State, last["m-1"].Attempts), Is.EqualTo((DeliveryState.Delivered, 2)));
        Assert.That((last["m-2"].State, last["m-2"].Reason, last["m-2"].Attempts), Is.EqualTo((DeliveryState.Discarded, OutcomeReason.MessageRejected, 1)));
        Assert.That(last["m-2"].Error!.Message, Is.EqualTo("bad email"));
        // The retried event went alone, so to the single-event handler.
        Assert.That(probe.Singles.Select(e => e.MessageId), Is.EqualTo(new[] { "m-1" }));
    }

    [Test]
    public async Task Batch_ThrownRetryError_RetriesTheWholeBatch()
    {
        var probe = new Probe();
        probe.HandleBatch = (_, call, _) => call == 1 ? throw new RetryError("downstream 503") : Task.FromResult(BatchResult.Delivered);
        await using var host = await CreateSut(probe, b => b.MaxSize = 4);

        await SendAsync(host, 4);
        await host.SettleAsync();
        Assert.That(host.Functions.GetCounts("Batcher").Retrying, Is.EqualTo(4));

        // All four are due within the first backoff bound (1 s) and come back as one batch.
        host.Time.Advance(TimeSpan.FromSeconds(1));
        await host.RunToCompletionAsync(TimeSpan.FromSeconds(10));

        Assert.That(probe.BatchSizes.Sum(), Is.EqualTo(8 - probe.Singles.Count));
        Assert.That(host.Functions.GetCounts("Batcher").Delivered, Is.EqualTo(4));
        Assert.That(host.Records("Batcher").Where(r => r.IsTerminal).Select(r => r.Attempts), Is.All.EqualTo(2));
    }

    [Test]
    public async Task Batch_OtherThrownError_DiscardsTheWholeBatch()
    {
        var probe = new Probe();
        probe.HandleBatch = (_, _, _) => throw new InvalidOperationException("mapping bug");
        await using var host = await CreateSut(probe, b => b.MaxSize = 3);

        await SendAsync(host, 3);
        await host.SettleAsync();

        var records = host.Records("Batcher");
        Assert.That(records, Has.Length.EqualTo(3));
        Assert.That(records.Select(r => (r.State, r.Reason)), Is.All.EqualTo((DeliveryState.Discarded, OutcomeReason.UnknownError)));
        Assert.That(records[0].Error!.Message, Is.EqualTo("mapping bug"));
    }

    [Test]
    public async Task Batch_StatusListOfTheWrongLength_IsAnErrorThatSaysSo()
    {
        var probe = new Probe();
        probe.HandleBatch = (_, _, _) => Task.FromResult(BatchResult.FromStatuses([new EventStatus(200)]));
        await using var host = await CreateSut(probe, b => b.MaxSize = 2);

        await SendAsync(host, 2);
        await host.SettleAsync();

        var records = host.Records("Batcher");
        Assert.That(records.Select(r => r.State), Is.All.EqualTo(DeliveryState.Discarded));
        Assert.That(records[0].Error!.Message, Does.Contain("1 statuses for 2 events"));
    }
}
