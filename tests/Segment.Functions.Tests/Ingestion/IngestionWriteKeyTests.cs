using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Segment.Functions.AspNetCore;
using Segment.Functions.Delivery;

namespace Segment.Functions.Tests.Ingestion;

/// <summary>Write keys authenticate and then stay out of events; a wrong key in the header is refused before the body is read.</summary>
public sealed class IngestionWriteKeyTests
{
    private const string Key = "wk-secret-5d1e";

    private static Task<IngestionServer> CreateSut() => IngestionServer.StartAsync(o => o.WriteKeys.Add(new IngestionWriteKey { Key = Key }));

    [Test]
    public async Task WriteKeyInTheBody_IsRemovedFromEveryEvent()
    {
        await using var server = await CreateSut();

        await server.PostAsync("/v1/track", $$"""{"writeKey":"{{Key}}","userId":"u","event":"Single"}""");
        await server.PostAsync("/v1/batch", $$"""{"writeKey":"{{Key}}","batch":[{"type":"track","userId":"u","event":"InBatch","writeKey":"{{Key}}"}]}""");
        await server.SettleAsync();

        Assert.That(server.A.Singles.Count, Is.EqualTo(2));
        foreach (var @event in server.A.Singles)
        {
            Assert.That(@event.WriteKey, Is.Null);
            Assert.That(JsonSerializer.Serialize(@event), Does.Not.Contain(Key));
        }
    }

    [Test]
    public async Task WriteKeyOfAnInvalidEvent_IsNotInItsRecord()
    {
        await using var server = await CreateSut();

        await server.PostAsync("/v1/batch", $$"""{"batch":[{"type":"track","userId":"u","writeKey":"{{Key}}"}]}""", Key);

        var record = server.Store.Recent(DeliveryRecord.RejectedInput, 100).Single();
        Assert.That(JsonSerializer.Serialize(record), Does.Not.Contain(Key));
    }

    [Test]
    public async Task WrongKeyInTheHeader_Is401BeforeTheBodyIsRead()
    {
        await using var server = await CreateSut();

        // 500 KB are announced and 1 KB sent: only an answer given before reading the body can arrive.
        var status = await RawHttp.StatusLineAsync(server.BaseUrl,
            $"POST /v1/batch HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: {RawHttp.Basic("wrong")}\r\nContent-Length: 512000\r\n\r\n",
            Encoding.ASCII.GetBytes("{\"batch\":[" + new string(' ', 1000)));

        Assert.That(status, Does.StartWith("HTTP/1.1 401"));
    }

    [TestCase("Basic !!!not-base64")]
    [TestCase("Basic d3Jvbmc6")] // "wrong:"
    public async Task UnreadableOrWrongBasicHeader_Is401EvenWithTheRightKeyInTheBody(string header)
    {
        await using var server = await CreateSut();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/track") { Content = new StringContent($$"""{"writeKey":"{{Key}}","userId":"u","event":"E"}""") };
        request.Headers.TryAddWithoutValidation("Authorization", header);

        using var response = await server.Client.SendAsync(request);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task KeyThatOnlySharesAPrefix_IsRefused()
    {
        await using var server = await CreateSut();

        using var shorter = await server.PostAsync("/v1/track", """{"userId":"u","event":"E"}""", Key[..^1]);
        using var longer = await server.PostAsync("/v1/track", """{"userId":"u","event":"E"}""", Key + "x");

        Assert.That((shorter.StatusCode, longer.StatusCode), Is.EqualTo((HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized)));
    }
}
