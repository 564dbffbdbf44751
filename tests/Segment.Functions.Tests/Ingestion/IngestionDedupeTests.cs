using System.Diagnostics.Metrics;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Time.Testing;
using Segment.Functions.AspNetCore;

namespace Segment.Functions.Tests.Ingestion;

/// <summary>Deduplication by messageId per write key: a retried request is delivered once.</summary>
public sealed class IngestionDedupeTests
{
    private static string Batch(params string[] ids) =>
        "{\"batch\":[" + string.Join(",", ids.Select(id => $$"""{"type":"track","userId":"u","event":"E","messageId":"{{id}}"}""")) + "]}";

    private static Task<IngestionServer> CreateSut(Action<IngestionDedupeOptions>? dedupe = null, FakeTimeProvider? time = null) =>
        IngestionServer.StartAsync(
            o =>
            {
                o.WriteKeys.Add(new IngestionWriteKey { Key = "one" });
                o.WriteKeys.Add(new IngestionWriteKey { Key = "two" });
                dedupe?.Invoke(o.Dedupe);
            },
            time: time);

    [Test]
    public async Task SameBatchSentTwice_IsDeliveredOnce_AndTheDropsAreCounted()
    {
        await using var server = await CreateSut();
        using var duplicates = new MetricCollector<long>(server.Services.GetRequiredService<IMeterFactory>(), "Segment.Functions", "segment.functions.ingestion.duplicates");

        using var first = await server.PostAsync("/v1/batch", Batch("a", "b"), "one");
        using var again = await server.PostAsync("/v1/batch", Batch("a", "b", "c"), "one");
        await server.SettleAsync();

        Assert.That((first.StatusCode, again.StatusCode), Is.EqualTo((HttpStatusCode.OK, HttpStatusCode.OK)));
        var answer = JsonNode.Parse(await again.Content.ReadAsStringAsync())!;
        Assert.That(((int?)answer["accepted"], (int?)answer["duplicates"]), Is.EqualTo((1, 2)));
        Assert.That(server.A.Singles.Select(e => e.MessageId).Order(), Is.EqualTo(new[] { "a", "b", "c" }));
        Assert.That(duplicates.GetMeasurementSnapshot().EvaluateAsCounter(), Is.EqualTo(2));
    }

    [Test]
    public async Task SameIdTwiceInOneBatch_IsDeliveredOnce()
    {
        await using var server = await CreateSut();

        await server.PostAsync("/v1/batch", Batch("a", "a"), "one");
        await server.SettleAsync();

        Assert.That(server.A.Singles.Count, Is.EqualTo(1));
    }

    [Test]
    public async Task OtherWriteKey_IsNotADuplicate()
    {
        await using var server = await CreateSut();

        await server.PostAsync("/v1/batch", Batch("a"), "one");
        await server.PostAsync("/v1/batch", Batch("a"), "two");
        await server.SettleAsync();

        Assert.That(server.A.Singles.Count, Is.EqualTo(2));
    }

    [Test]
    public async Task PastTheWindow_TheIdIsTakenAgain()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 4, 5, 6, 7, TimeSpan.Zero));
        await using var server = await CreateSut(d => d.Window = TimeSpan.FromMinutes(10), time);

        await server.PostAsync("/v1/batch", Batch("a"), "one");
        time.Advance(TimeSpan.FromMinutes(9));
        await server.PostAsync("/v1/batch", Batch("a"), "one");
        await server.SettleAsync();
        Assert.That(server.A.Singles.Count, Is.EqualTo(1), "inside the window");

        time.Advance(TimeSpan.FromMinutes(1));
        await server.PostAsync("/v1/batch", Batch("a"), "one");
        await server.SettleAsync();
        Assert.That(server.A.Singles.Count, Is.EqualTo(2), "past it");
    }

    [Test]
    public async Task PastTheCount_TheOldestIdsAreForgotten()
    {
        await using var server = await CreateSut(d => d.MaxMessageIdsPerWriteKey = 2);

        await server.PostAsync("/v1/batch", Batch("a", "b", "c"), "one");
        await server.PostAsync("/v1/batch", Batch("a", "c"), "one");
        await server.SettleAsync();

        Assert.That(server.A.Singles.Select(e => e.MessageId).Order(), Is.EqualTo(new[] { "a", "a", "b", "c" }), "a was forgotten, c remembered");
    }

    [Test]
    public async Task Disabled_EveryCopyIsDelivered()
    {
        await using var server = await CreateSut(d => d.Enabled = false);

        await server.PostAsync("/v1/batch", Batch("a"), "one");
        await server.PostAsync("/v1/batch", Batch("a"), "one");
        await server.SettleAsync();

        Assert.That(server.A.Singles.Count, Is.EqualTo(2));
    }

    [Test]
    public async Task EventsWithoutAMessageId_AreNeverDuplicates()
    {
        await using var server = await CreateSut();

        await server.PostAsync("/v1/track", """{"userId":"u","event":"E"}""", "one");
        await server.PostAsync("/v1/track", """{"userId":"u","event":"E"}""", "one");
        await server.SettleAsync();

        Assert.That(server.A.Singles.Count, Is.EqualTo(2));
    }

    [Test]
    public void Options_Defaults()
    {
        var options = new IngestionDedupeOptions();

        Assert.That(options.Enabled, Is.True);
        Assert.That(options.Window, Is.EqualTo(TimeSpan.FromHours(24)));
        Assert.That(options.MaxMessageIdsPerWriteKey, Is.EqualTo(100_000));
    }
}
