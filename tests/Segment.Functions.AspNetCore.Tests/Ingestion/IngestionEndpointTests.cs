using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Segment.Functions.AspNetCore;
using Segment.Functions.Delivery;

namespace Segment.Functions.Tests.Ingestion;

public sealed class IngestionEndpointTests
{
    private const string Key = "wk-test";

    private static Task<IngestionServer> CreateSut(Action<SegmentIngestionOptions>? options = null, string? prefix = null) =>
        IngestionServer.StartAsync(options ?? (o => o.WriteKeys.Add(new IngestionWriteKey { Key = Key })), prefix);

    private static async Task<JsonObject> BodyAsync(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();

    [TestCase("identify", "identify")]
    [TestCase("track", "track")]
    [TestCase("page", "page")]
    [TestCase("screen", "screen")]
    [TestCase("group", "group")]
    [TestCase("alias", "alias")]
    [TestCase("i", "identify")]
    [TestCase("t", "track")]
    [TestCase("p", "page")]
    [TestCase("s", "screen")]
    [TestCase("g", "group")]
    [TestCase("a", "alias")]
    public async Task SingleEventPath_TypeComesFromThePath(string path, string type)
    {
        await using var server = await CreateSut();
        var body = """{"userId":"u-1","event":"Clicked","groupId":"g-1","previousId":"p-1","name":"Home"}""";

        using var response = await server.PostAsync($"/v1/{path}", body, Key);
        await server.SettleAsync();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((bool?)(await BodyAsync(response))["success"], Is.True);
        Assert.That(server.A.Singles.Single().Type, Is.EqualTo(type));
    }

    [Test]
    public async Task SingleEventPath_EventWithItsOwnType_KeepsIt()
    {
        await using var server = await CreateSut();

        using var response = await server.PostAsync("/v1/track", """{"type":"identify","userId":"u","traits":{"plan":"pro"}}""", Key);
        await server.SettleAsync();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(server.A.Singles.Single().Type, Is.EqualTo("identify"));
    }

    [Test]
    public async Task BatchPath_BareArray_IsABatch()
    {
        await using var server = await CreateSut();

        using var response = await server.PostAsync("/v1/batch", """[{"type":"track","event":"A","userId":"u"},{"type":"page","name":"Home","userId":"u"}]""", Key);
        await server.SettleAsync();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(server.A.Singles.Select(e => e.Type).Order(), Is.EqualTo(new[] { "page", "track" }));
    }

    [TestCase("batch")]
    [TestCase("import")]
    [TestCase("b")]
    public async Task BatchPath_SendsEachEvent(string path)
    {
        await using var server = await CreateSut();
        var body = """{"batch":[{"type":"track","event":"A","userId":"u"},{"type":"identify","userId":"u","traits":{"plan":"pro"}}]}""";

        using var response = await server.PostAsync($"/v1/{path}", body, Key);
        await server.SettleAsync();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((int?)(await BodyAsync(response))["accepted"], Is.EqualTo(2));
        Assert.That(server.A.Singles.Select(e => e.Type).Order(), Is.EqualTo(new[] { "identify", "track" }));
    }

    [Test]
    public async Task WriteKey_InTheBody_IsAccepted()
    {
        await using var server = await CreateSut();

        using var single = await server.PostAsync("/v1/track", $$"""{"writeKey":"{{Key}}","userId":"u","event":"E"}""");
        using var batch = await server.PostAsync("/v1/batch", $$"""{"writeKey":"{{Key}}","batch":[{"type":"track","userId":"u","event":"E"}]}""");

        Assert.That((single.StatusCode, batch.StatusCode), Is.EqualTo((HttpStatusCode.OK, HttpStatusCode.OK)));
    }

    [TestCase(null)]
    [TestCase("wrong-key")]
    public async Task WriteKey_MissingOrWrong_Is401(string? key)
    {
        await using var server = await CreateSut();

        using var response = await server.PostAsync("/v1/track", """{"userId":"u","event":"E"}""", key);
        await server.SettleAsync();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That((string?)(await BodyAsync(response))["code"], Is.EqualTo("unauthorized"));
        Assert.That(server.A.Singles, Is.Empty);
    }

    [Test]
    public async Task WriteKey_WithDestinations_RoutesToThoseOnly()
    {
        await using var server = await CreateSut(o => o.WriteKeys.Add(new IngestionWriteKey { Key = "only-b", Destinations = ["B"] }));

        using var response = await server.PostAsync("/v1/track", """{"userId":"u","event":"E"}""", "only-b");
        await server.SettleAsync();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((server.A.Singles.Count, server.B.Singles.Count), Is.EqualTo((0, 1)));
    }

    [Test]
    public async Task NoWriteKeysConfigured_IsOpen()
    {
        await using var server = await CreateSut(_ => { });

        using var response = await server.PostAsync("/v1/track", """{"userId":"u","event":"E"}""");
        await server.SettleAsync();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(server.A.Singles.Count, Is.EqualTo(1));
    }

    [TestCase("text/plain")]
    [TestCase(null)]
    public async Task ContentType_IsNotRequired(string? contentType)
    {
        await using var server = await CreateSut();

        using var response = await server.PostAsync("/v1/track", """{"userId":"u","event":"E"}""", Key, contentType);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Gzip_BodyIsDecoded()
    {
        await using var server = await CreateSut();
        var compressed = new MemoryStream();
        await using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            await gzip.WriteAsync(Encoding.UTF8.GetBytes("""{"batch":[{"type":"track","userId":"u","event":"Zipped"}]}"""));
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/batch") { Content = new ByteArrayContent(compressed.ToArray()) };
        request.Content.Headers.ContentEncoding.Add("gzip");
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(Key + ":")));
        using var response = await server.Client.SendAsync(request);
        await server.SettleAsync();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(((TrackEvent)server.A.Singles.Single()).Event, Is.EqualTo("Zipped"));
    }

    [TestCase("{not json")]
    [TestCase("[1,2]")]
    public async Task InvalidJson_Is400(string body)
    {
        await using var server = await CreateSut();

        using var response = await server.PostAsync("/v1/track", body, Key);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        var problem = await BodyAsync(response);
        Assert.That((string?)problem["code"], Is.EqualTo("invalid_json"));
        Assert.That((string?)problem["message"], Does.Contain("not valid JSON"));
    }

    [Test]
    public async Task OversizeEvent_Is400()
    {
        await using var server = await CreateSut();
        var big = new string('x', 40 * 1024);

        using var response = await server.PostAsync("/v1/track", $$$"""{"userId":"u","event":"E","properties":{"blob":"{{{big}}}"}}""", Key);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((string?)(await BodyAsync(response))["code"], Is.EqualTo("too_large"));
    }

    [Test]
    public async Task OversizeBatch_Is400()
    {
        await using var server = await CreateSut();
        var item = $$$"""{"type":"track","userId":"u","event":"E","properties":{"blob":"{{{new string('x', 10 * 1024)}}}"}}""";
        var body = "{\"batch\":[" + string.Join(",", Enumerable.Repeat(item, 60)) + "]}";

        using var response = await server.PostAsync("/v1/batch", body, Key);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((string?)(await BodyAsync(response))["message"], Does.Contain("MaxBatchBytes"));
    }

    [Test]
    public async Task MoreThan2500Events_Is400()
    {
        await using var server = await CreateSut();
        var body = "{\"batch\":[" + string.Join(",", Enumerable.Repeat("""{"type":"track","userId":"u","event":"E"}""", 2501)) + "]}";

        using var response = await server.PostAsync("/v1/batch", body, Key);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((string?)(await BodyAsync(response))["code"], Is.EqualTo("too_many_events"));
        Assert.That(server.A.Singles, Is.Empty);
    }

    [Test]
    public async Task BatchEnvelope_ContextIntegrationsAndSentAt_MergeIntoEachEvent()
    {
        await using var server = await CreateSut();
        var body = """
            {"sentAt":"2026-03-04T05:06:00Z",
             "context":{"library":{"name":"analytics-node","version":"3.1.0"},"ip":"203.0.113.9"},
             "integrations":{"B":false},
             "batch":[
               {"type":"track","userId":"u","event":"Plain"},
               {"type":"track","userId":"u","event":"Own","context":{"ip":"198.51.100.1"},"sentAt":"2026-03-04T05:05:00Z"}]}
            """;

        using var response = await server.PostAsync("/v1/batch", body, Key);
        await server.SettleAsync();

        var events = server.A.Singles.Cast<TrackEvent>().ToDictionary(e => e.Event);
        Assert.That((string?)events["Plain"].Context["library"]!["name"], Is.EqualTo("analytics-node"));
        Assert.That((string?)events["Plain"].Context["ip"], Is.EqualTo("203.0.113.9"));
        Assert.That((string?)events["Own"].Context["ip"], Is.EqualTo("198.51.100.1"), "the event's own value wins");
        Assert.That((string?)events["Own"].Context["library"]!["version"], Is.EqualTo("3.1.0"));
        Assert.That(events["Plain"].SentAt, Is.EqualTo(DateTimeOffset.Parse("2026-03-04T05:06:00Z")));
        Assert.That(events["Own"].SentAt, Is.EqualTo(DateTimeOffset.Parse("2026-03-04T05:05:00Z")));
        Assert.That(server.B.Singles, Is.Empty, "the envelope's integrations turned B off");
    }

    [Test]
    public async Task Stamps_ReceivedAtFromTheClockAndAMissingMessageId()
    {
        await using var server = await CreateSut();

        await server.PostAsync("/v1/track", """{"userId":"u","event":"No Id","receivedAt":"2020-01-01T00:00:00Z"}""", Key);
        await server.PostAsync("/v1/track", """{"userId":"u","event":"Has Id","messageId":"mine"}""", Key);
        await server.SettleAsync();

        var events = server.A.Singles.Cast<TrackEvent>().ToDictionary(e => e.Event);
        Assert.That(events["No Id"].ReceivedAt, Is.EqualTo(server.Time.GetUtcNow()));
        Assert.That(events["No Id"].MessageId, Is.Not.Null.And.Not.Empty);
        Assert.That(events["Has Id"].MessageId, Is.EqualTo("mine"));
    }

    [Test]
    public async Task Batch_InvalidEvents_AreRejectedAloneAndTheAnswerSaysWhy()
    {
        await using var server = await CreateSut();
        var body = """{"batch":[{"type":"track","userId":"u","event":"Good"},{"type":"track","userId":"u"},7,{"type":"identify","userId":"u"}]}""";

        using var response = await server.PostAsync("/v1/batch", body, Key);
        await server.SettleAsync();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the SDK still gets a 200");
        var answer = await BodyAsync(response);
        Assert.That(((int?)answer["accepted"], (int?)answer["rejected"]), Is.EqualTo((2, 2)));
        var errors = answer["errors"]!.AsArray();
        Assert.That(errors.Select(e => (int?)e!["index"]), Is.EqualTo(new int?[] { 1, 2 }));
        Assert.That((string?)errors[0]!["message"], Does.Contain("event"));
        Assert.That(server.A.Singles.Count, Is.EqualTo(2));
        Assert.That(server.Functions.GetCounts(DeliveryRecord.RejectedInput).DiscardedTotal, Is.EqualTo(1), "the invalid event is recorded");
    }

    [Test]
    public async Task RoutePrefix_CanBeChanged()
    {
        await using var server = await CreateSut(prefix: "/segment/v1");

        using var moved = await server.PostAsync("/segment/v1/track", """{"userId":"u","event":"E"}""", Key);
        using var old = await server.PostAsync("/v1/track", """{"userId":"u","event":"E"}""", Key);

        Assert.That((moved.StatusCode, old.StatusCode), Is.EqualTo((HttpStatusCode.OK, HttpStatusCode.NotFound)));
    }
}
