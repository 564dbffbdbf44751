using System.Net;
using System.Text.Json;
using Segment.Functions.AspNetCore;

namespace Segment.Functions.Tests.Ingestion;

/// <summary>Times as the platform sets them: receivedAt from the server, timestamp corrected for the device's clock.</summary>
public sealed class IngestionTimestampTests
{
    private static Task<IngestionServer> CreateSut() => IngestionServer.StartAsync(o => o.WriteKeys.Add(new IngestionWriteKey { Key = "wk" }));

    private static async Task<SegmentEvent> SendOneAsync(IngestionServer server, string json, string path = "/v1/track")
    {
        using var response = await server.PostAsync(path, json, "wk");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        await server.SettleAsync();
        return server.A.Singles.Single();
    }

    [Test]
    public async Task DeviceClockFiveMinutesAhead_TimestampIsCorrected()
    {
        await using var server = await CreateSut();
        // Server time is 05:06:07Z; the device thinks it is 05:11:07, called at 05:11:05 and sent at 05:11:06.
        var sent = await SendOneAsync(server, """{"userId":"u","event":"E","timestamp":"2026-03-04T05:11:05.000Z","sentAt":"2026-03-04T05:11:06.500Z"}""");

        Assert.That(sent.Timestamp, Is.EqualTo(DateTimeOffset.Parse("2026-03-04T05:06:05.500Z")));
        Assert.That(sent.OriginalTimestamp, Is.EqualTo(DateTimeOffset.Parse("2026-03-04T05:11:05.000Z")));
        Assert.That(sent.ReceivedAt, Is.EqualTo(server.Time.GetUtcNow()));
    }

    [Test]
    public async Task SentAtFromTheBatchEnvelope_IsUsed()
    {
        await using var server = await CreateSut();

        var sent = await SendOneAsync(server, """{"sentAt":"2026-03-04T05:06:10Z","batch":[{"type":"track","userId":"u","event":"E","timestamp":"2026-03-04T05:06:09Z"}]}""", "/v1/batch");

        Assert.That(sent.Timestamp, Is.EqualTo(DateTimeOffset.Parse("2026-03-04T05:06:06Z")));
    }

    [Test]
    public async Task NoTimestamp_IsFilledFromReceivedAt()
    {
        await using var server = await CreateSut();

        var sent = await SendOneAsync(server, """{"userId":"u","event":"E","sentAt":"2030-01-01T00:00:00Z"}""");

        Assert.That(sent.Timestamp, Is.EqualTo(server.Time.GetUtcNow()));
        Assert.That(sent.OriginalTimestamp, Is.Null);
    }

    [Test]
    public async Task OriginalTimestampWithoutTimestamp_AsRudderStackSends_IsCorrected()
    {
        await using var server = await CreateSut();

        var sent = await SendOneAsync(server, """{"userId":"u","event":"E","originalTimestamp":"2026-03-04T05:00:00Z","sentAt":"2026-03-04T05:00:02Z"}""");

        Assert.That(sent.Timestamp, Is.EqualTo(DateTimeOffset.Parse("2026-03-04T05:06:05Z")));
        Assert.That(sent.OriginalTimestamp, Is.EqualTo(DateTimeOffset.Parse("2026-03-04T05:00:00Z")));
    }

    [Test]
    public async Task TimestampWithoutSentAt_IsKept()
    {
        await using var server = await CreateSut();

        var sent = await SendOneAsync(server, """{"userId":"u","event":"E","timestamp":"2026-01-01T00:00:00+02:00"}""");

        Assert.That(sent.Timestamp, Is.EqualTo(DateTimeOffset.Parse("2026-01-01T00:00:00+02:00")));
        Assert.That(sent.OriginalTimestamp, Is.EqualTo(DateTimeOffset.Parse("2026-01-01T00:00:00+02:00")));
    }

    [Test]
    public async Task Written_InMillisecondsWithZ()
    {
        await using var server = await CreateSut();
        server.Time.Advance(TimeSpan.FromTicks(1_234_567)); // 0.1234567 s: the stamp keeps milliseconds only

        var sent = await SendOneAsync(server, """{"userId":"u","event":"E","timestamp":"2026-03-04T05:06:07+01:00","sentAt":"2026-03-04T05:06:08+01:00"}""");
        var json = JsonSerializer.Serialize(sent);

        Assert.That(json, Does.Contain("\"receivedAt\":\"2026-03-04T05:06:07.123Z\""));
        Assert.That(json, Does.Contain("\"timestamp\":\"2026-03-04T05:06:06.123Z\""));
        Assert.That(json, Does.Contain("\"originalTimestamp\":\"2026-03-04T05:06:07+01:00\""), "the device's own text is kept");
    }

    [Test]
    public async Task UnreadableTimestamp_IsLeftForTheParser()
    {
        await using var server = await CreateSut();

        using var response = await server.PostAsync("/v1/batch", """{"batch":[{"type":"track","userId":"u","event":"E","timestamp":"yesterday","sentAt":"2026-03-04T05:06:08Z"}]}""", "wk");
        var answer = await response.Content.ReadAsStringAsync();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(answer, Does.Contain("\"rejected\":1").And.Contain("timestamp"));
    }
}
