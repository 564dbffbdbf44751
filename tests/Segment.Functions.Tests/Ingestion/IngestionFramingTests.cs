using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;
using Segment.Functions.AspNetCore;

namespace Segment.Functions.Tests.Ingestion;

/// <summary>Broken framing and slow clients are the client's fault: a 4xx, logged at Debug, never an Error.</summary>
public sealed class IngestionFramingTests
{
    private const string Key = "wk-frame";

    private static string Auth => RawHttp.Basic(Key);

    private static void AssertNoErrorLogged(IngestionServer server) =>
        Assert.That(server.Logs.GetSnapshot().Where(r => r.Level >= LogLevel.Error).Select(r => $"{r.Message} {r.Exception}"), Is.Empty);

    [Test]
    public async Task ChunkSizeThatOverflows_Is400AndNoError()
    {
        await using var server = await IngestionServer.StartAsync(o => o.WriteKeys.Add(new IngestionWriteKey { Key = Key }));

        var status = await RawHttp.StatusLineAsync(server.BaseUrl,
            $"POST /v1/batch HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: {Auth}\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFFFFFF\r\n{{}}\r\n0\r\n\r\n");

        AssertNoErrorLogged(server);
        Assert.That(status, Does.StartWith("HTTP/1.1 400"));
        Assert.That(server.Logs.GetSnapshot().Where(r => r.Level == LogLevel.Debug).Select(r => r.Message), Has.Some.Contains("could not be read"));
    }

    [Test]
    public async Task SlowBody_Is408AndNoError()
    {
        await using var server = await IngestionServer.StartAsync(
            o => o.WriteKeys.Add(new IngestionWriteKey { Key = Key }),
            web: b => b.WebHost.ConfigureKestrel(k => k.Limits.MinRequestBodyDataRate = new MinDataRate(bytesPerSecond: 1000, gracePeriod: TimeSpan.FromSeconds(2))));

        // 1,000 bytes are announced; a few arrive, then nothing: Kestrel cuts the client off after the grace period.
        var status = await RawHttp.StatusLineAsync(server.BaseUrl,
            $"POST /v1/batch HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: {Auth}\r\nContent-Length: 1000\r\n\r\n",
            Encoding.ASCII.GetBytes("{\"batch\":["));

        Assert.That(status, Does.StartWith("HTTP/1.1 408"));
        AssertNoErrorLogged(server);
    }

    // An event of exactly `bytes` UTF-8 bytes, its blob of 'é' (two bytes each, which a server that re-escapes would grow) and 'x'.
    private static string EventOfSize(int bytes, string messageId, bool typed)
    {
        var head = "{" + (typed ? "\"type\":\"track\"," : "") + $$"""
            "userId":"u","event":"E","messageId":"{{messageId}}","timestamp":"2026-03-04T05:06:00Z","properties":{"blob":"
            """;
        const string tail = "\"}}";
        var room = bytes - head.Length - tail.Length;
        var json = head + new string('é', room / 2) + new string('x', room % 2) + tail;
        Assert.That(Encoding.UTF8.GetByteCount(json), Is.EqualTo(bytes));
        return json;
    }

    [Test]
    public async Task EventOfExactlyTheSizeLimit_IsAccepted()
    {
        await using var server = await IngestionServer.StartAsync(o => o.WriteKeys.Add(new IngestionWriteKey { Key = Key }));

        using var single = await server.PostAsync("/v1/track", EventOfSize(32 * 1024, "single", typed: false), Key);
        using var inBatch = await server.PostAsync("/v1/batch", "{\"sentAt\":\"2026-03-04T05:06:01Z\",\"batch\":[" + EventOfSize(32 * 1024, "batched", typed: true) + "]}", Key);
        await server.SettleAsync();

        Assert.That(await single.Content.ReadAsStringAsync(), Does.Contain("\"accepted\":1"));
        Assert.That(await inBatch.Content.ReadAsStringAsync(), Does.Contain("\"accepted\":1"));
        Assert.That(server.A.Singles.Select(e => e.MessageId), Is.EquivalentTo(new[] { "single", "batched" }));
    }

    [Test]
    public async Task EventOneByteOverTheLimitInABatch_IsRejectedAlone()
    {
        await using var server = await IngestionServer.StartAsync(o => o.WriteKeys.Add(new IngestionWriteKey { Key = Key }));
        const string head = """{"type":"track","userId":"u","event":"E","messageId":"over","properties":{"blob":""";
        var over = head + "\"" + new string('x', 32 * 1024 + 1 - head.Length - 4) + "\"}}";
        var exact = over.Replace("\"over\"", "\"fit\"").Remove(head.Length + 1, 1);
        Assert.That((Encoding.UTF8.GetByteCount(over), Encoding.UTF8.GetByteCount(exact)), Is.EqualTo((32 * 1024 + 1, 32 * 1024 - 1)));

        using var response = await server.PostAsync("/v1/batch", "{\"batch\":[" + over + "," + exact + "]}", Key);
        await server.SettleAsync();

        var answer = await response.Content.ReadAsStringAsync();
        Assert.That(answer, Does.Contain("\"accepted\":1").And.Contain("\"rejected\":1").And.Contain("MaxEventBytes"));
        Assert.That(server.A.Singles.Single().MessageId, Is.EqualTo("fit"));
    }
}
