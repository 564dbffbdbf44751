using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Segment.Functions.Delivery;
using Segment.Functions.Hosting;
using Segment.Functions.Hosting.Internal;
using Segment.Functions.Tests.Hosting;

namespace Segment.Functions.Tests.Delivery;

/// <summary>
/// A failure's delivery record shows the event that failed (issue 12, item 4), as the original
/// Event Delivery view does: whole up to a cap, cut with a mark past it, secrets redacted; a
/// delivered event's record keeps none.
/// </summary>
public sealed class RecordedEventTests
{
    private static Task<TestHost> CreateSut(Probe probe, Action<SegmentFunctionsOptions>? options = null) =>
        TestHost.StartAsync(options, b => b.AddDestination<ProbeFunction, ProbeSettings>("Probe", s => s.Probe = probe));

    private static SegmentEvent TrackWith(string messageId, string property) =>
        SegmentEvent.Parse($$$"""{"type":"track","event":"Order Completed","userId":"u-1","messageId":"{{{messageId}}}","properties":{"note":"{{{property}}}"}}""");

    [Test]
    public async Task Failure_RecordCarriesTheEvent_InToStringAndJson_WithSecretsRedacted()
    {
        var probe = new Probe { Handle = static (_, _, _) => throw new ValidationError("rejected") };
        await using var host = await CreateSut(probe);

        await host.Functions.SendAsync(TrackWith("m-1", $"the key is {ProbeSettings.Secret}"));
        await host.SettleAsync();

        var record = host.Records("Probe").Single();
        Assert.That(record.State, Is.EqualTo(DeliveryState.Discarded));
        var json = JsonNode.Parse(record.EventJson)!;
        Assert.That((string?)json["messageId"], Is.EqualTo("m-1"));
        Assert.That((string?)json["event"], Is.EqualTo("Order Completed"));
        Assert.That((string?)json["properties"]!["note"], Is.EqualTo("the key is ***"), "encrypted setting values are redacted");
        Assert.That(record.ToString(), Does.Contain(record.EventJson));
        var serialized = JsonNode.Parse(JsonSerializer.Serialize(record))!;
        Assert.That((string?)serialized["EventJson"], Is.EqualTo(record.EventJson));
        Assert.That(JsonSerializer.Serialize(record) + record, Does.Not.Contain(ProbeSettings.Secret));
    }

    [Test]
    public async Task Failure_RecordedEvent_LeavesOutTheWriteKey()
    {
        var probe = new Probe { Handle = static (_, _, _) => throw new ValidationError("rejected") };
        await using var host = await CreateSut(probe);

        await host.Functions.SendAsync(SegmentEvent.Parse("""{"type":"track","event":"Order","userId":"u-1","messageId":"m-wk","writeKey":"wk_live_5e4d3c2b1a"}"""));
        await host.SettleAsync();

        var record = host.Records("Probe").Single();
        Assert.That((string?)JsonNode.Parse(record.EventJson)!["messageId"], Is.EqualTo("m-wk"), "the event itself is kept");
        Assert.That(JsonSerializer.Serialize(record) + record, Does.Not.Contain("wk_live_5e4d3c2b1a"));
    }

    [Test]
    public async Task Delivered_RecordKeepsNoEvent()
    {
        await using var host = await CreateSut(new Probe());

        await host.Functions.SendAsync(TestEvents.Track(1));
        await host.SettleAsync();

        var record = host.Records("Probe").Single();
        Assert.That(record.State, Is.EqualTo(DeliveryState.Delivered));
        Assert.That(record.EventJson, Is.Empty);
    }

    [Test]
    public async Task RetryAndExpired_RecordsCarryTheEvent()
    {
        var probe = new Probe { Handle = static (_, _, _) => throw new RetryError("down") };
        await using var host = await CreateSut(probe, o => o.Retry.RetryWindow = TimeSpan.FromMinutes(1));

        await host.Functions.SendAsync(TestEvents.Track(3));
        await host.RunToCompletionAsync(TimeSpan.FromSeconds(5));

        var records = host.Records("Probe");
        Assert.That(records.Select(r => r.State), Does.Contain(DeliveryState.Retrying).And.Contain(DeliveryState.Expired));
        Assert.That(records.Select(r => (string?)JsonNode.Parse(r.EventJson)!["messageId"]), Is.All.EqualTo("m-3"));
    }

    [Test]
    public async Task EventLargerThanTheCap_IsCutWithAVisibleMark()
    {
        var probe = new Probe { Handle = static (_, _, _) => throw new ValidationError("rejected") };
        await using var host = await CreateSut(probe, o => o.Invocation.MaxRecordedEventBytes = 1024);
        var @event = TrackWith("m-big", new string('é', 3000));
        var whole = Encoding.UTF8.GetByteCount(@event.ToJson());

        await host.Functions.SendAsync(@event);
        await host.SettleAsync();

        var text = host.Records("Probe").Single().EventJson;
        var mark = $"… [event truncated: {whole} bytes in all]";
        Assert.That(text, Does.StartWith("{\"type\":\"track\"").And.EndWith(mark));
        Assert.That(Encoding.UTF8.GetByteCount(text[..^mark.Length]), Is.InRange(1023, 1024), "cut at the cap, never inside a character");
    }

    [Test]
    public async Task EventUnderTheDefaultCap_IsKeptWhole()
    {
        var probe = new Probe { Handle = static (_, _, _) => throw new ValidationError("rejected") };
        await using var host = await CreateSut(probe);
        var @event = TrackWith("m-30k", new string('x', 30_000));

        await host.Functions.SendAsync(@event);
        await host.SettleAsync();

        Assert.That(host.Records("Probe").Single().EventJson, Is.EqualTo(@event.ToJson()));
    }

    [Test]
    public async Task QueueFullDiscard_CarriesTheEvent()
    {
        var release = new TaskCompletionSource();
        var probe = new Probe { Handle = (_, _, _) => release.Task };
        await using var host = await CreateSut(probe, o => { o.QueueCapacity = 1; o.FullMode = QueueFullMode.Reject; });

        await host.Functions.SendAsync(TestEvents.Track(1));
        var rejected = await host.Functions.SendAsync(TestEvents.Track(2));
        release.SetResult();
        await host.SettleAsync();

        Assert.That(rejected.Status, Is.EqualTo(SendStatus.QueueFull));
        var record = host.Records("Probe").Single(r => r.MessageId == "m-2");
        Assert.That((string?)JsonNode.Parse(record.EventJson)!["messageId"], Is.EqualTo("m-2"));
    }

    [Test]
    public async Task BatchFailure_EachRecordCarriesItsOwnEvent()
    {
        var probe = new Probe { HandleBatch = static (events, _, _) => Task.FromResult(BatchResult.FromStatuses(events.Select(_ => new EventStatus(400, "bad")))) };
        await using var host = await TestHost.StartAsync(
            o => { o.Batching.LowVolumeEventsPerSecond = 0; o.Batching.MaxSize = 3; },
            b => b.AddDestination<BatchProbeFunction, ProbeSettings>("Batcher", s => s.Probe = probe));

        for (var i = 0; i < 3; i++)
        {
            await host.Functions.SendAsync(TestEvents.Track(i));
        }

        await host.SettleAsync();

        var records = host.Records("Batcher");
        Assert.That(probe.BatchSizes, Is.EqualTo(new[] { 3 }));
        Assert.That(records.Select(r => ((string?)JsonNode.Parse(r.EventJson)!["messageId"], r.MessageId)), Has.All.Matches<(string?, string)>(p => p.Item1 == p.Item2));
    }

    [Test]
    public void MaxRecordedEventBytes_OutOfRange_FailsValidationNamingTheOption()
    {
        var result = new SegmentFunctionsOptionsValidator().Validate(null, new SegmentFunctionsOptions { Invocation = { MaxRecordedEventBytes = -1 } });

        Assert.That(result.FailureMessage, Does.Contain("MaxRecordedEventBytes"));
    }
}
