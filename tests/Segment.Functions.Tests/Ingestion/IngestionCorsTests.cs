using System.Net;
using System.Text;
using Segment.Functions.AspNetCore;

namespace Segment.Functions.Tests.Ingestion;

/// <summary>CORS for browser SDKs: preflights answered, headers on every answer to an allowed origin.</summary>
public sealed class IngestionCorsTests
{
    private const string Key = "wk-cors";
    private const string Page = "http://127.0.0.1:8123";

    private static Task<IngestionServer> CreateSut(params string[] origins) =>
        IngestionServer.StartAsync(o =>
        {
            o.WriteKeys.Add(new IngestionWriteKey { Key = Key });
            foreach (var origin in origins)
            {
                o.Cors.AllowedOrigins.Add(origin);
            }
        });

    private static HttpRequestMessage Preflight(string path, string origin)
    {
        var request = new HttpRequestMessage(HttpMethod.Options, path);
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "authorization,content-type,x-retry-count");
        return request;
    }

    private static HttpRequestMessage Post(string path, string json, string origin, string? key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "text/plain") };
        request.Headers.Add("Origin", origin);
        if (key is not null)
        {
            request.Headers.Add("Authorization", "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(key + ":")));
        }

        return request;
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values) ? string.Join(",", values) : null;

    [TestCase("/v1/batch")]
    [TestCase("/v1/t")]
    [TestCase("/v1/track")]
    public async Task Preflight_FromAnAllowedOrigin_Is204WithWhatMayBeSent(string path)
    {
        await using var server = await CreateSut(Page);

        using var response = await server.Client.SendAsync(Preflight(path, Page));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That(Header(response, "Access-Control-Allow-Origin"), Is.EqualTo(Page));
        Assert.That(Header(response, "Access-Control-Allow-Methods"), Does.Contain("POST"));
        var allowed = Header(response, "Access-Control-Allow-Headers")!.Split(',', StringSplitOptions.TrimEntries);
        Assert.That(allowed, Is.SupersetOf(new[] { "authorization", "content-type", "x-retry-count", "anonymousid", "sentat" }));
        Assert.That(Header(response, "Access-Control-Max-Age"), Is.EqualTo("7200"));
    }

    [Test]
    public async Task AnyOrigin_WithStar()
    {
        await using var server = await CreateSut("*");

        using var response = await server.Client.SendAsync(Preflight("/v1/batch", "https://shop.example"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That(Header(response, "Access-Control-Allow-Origin"), Is.EqualTo("https://shop.example"));
    }

    [Test]
    public async Task Preflight_FromAnotherOrigin_Is403WithoutCorsHeaders()
    {
        await using var server = await CreateSut(Page);

        using var response = await server.Client.SendAsync(Preflight("/v1/batch", "https://evil.example"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(Header(response, "Access-Control-Allow-Origin"), Is.Null);
    }

    [Test]
    public async Task Post_FromAnotherOrigin_IsRefusedAndNothingIsTaken()
    {
        await using var server = await CreateSut(Page);

        using var response = await server.Client.SendAsync(Post("/v1/track", """{"userId":"u","event":"E"}""", "https://evil.example", Key));
        await server.SettleAsync();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(server.A.Singles, Is.Empty);
    }

    [Test]
    public async Task EveryAnswer_ToAnAllowedOrigin_CarriesTheHeaders()
    {
        await using var server = await CreateSut(Page.ToUpperInvariant() + "/");

        using var ok = await server.Client.SendAsync(Post("/v1/track", """{"userId":"u","event":"E"}""", Page, Key));
        using var unauthorized = await server.Client.SendAsync(Post("/v1/track", """{"userId":"u","event":"E"}""", Page, "wrong"));
        using var badRequest = await server.Client.SendAsync(Post("/v1/track", "{not json", Page, Key));

        Assert.That((ok.StatusCode, unauthorized.StatusCode, badRequest.StatusCode), Is.EqualTo((HttpStatusCode.OK, HttpStatusCode.Unauthorized, HttpStatusCode.BadRequest)));
        foreach (var response in new[] { ok, unauthorized, badRequest })
        {
            Assert.That(Header(response, "Access-Control-Allow-Origin"), Is.EqualTo(Page), response.StatusCode.ToString());
            Assert.That(Header(response, "Access-Control-Expose-Headers"), Does.Contain("Retry-After"));
            Assert.That(Header(response, "Vary"), Does.Contain("Origin"));
        }
    }

    [Test]
    public async Task Off_ByDefault_OptionsIsNotAnswered()
    {
        await using var server = await CreateSut();

        using var preflight = await server.Client.SendAsync(Preflight("/v1/batch", Page));
        using var post = await server.Client.SendAsync(Post("/v1/track", """{"userId":"u","event":"E"}""", Page, Key));

        Assert.That(preflight.StatusCode, Is.EqualTo(HttpStatusCode.MethodNotAllowed));
        Assert.That(post.StatusCode, Is.EqualTo(HttpStatusCode.OK), "server-side callers that send an Origin are not refused");
        Assert.That(Header(post, "Access-Control-Allow-Origin"), Is.Null);
    }

    [Test]
    public void Options_Defaults()
    {
        var options = new IngestionCorsOptions();

        Assert.That(options.AllowedOrigins, Is.Empty);
        Assert.That(options.AllowedHeaders, Is.EqualTo(IngestionCorsOptions.DefaultAllowedHeaders));
        Assert.That(options.MaxAge, Is.EqualTo(TimeSpan.FromHours(2)));
    }
}
