using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Builder;

namespace Segment.Functions.Tests.Quickstart;

public sealed class IngestionQuickstartTests
{
    [Test]
    public async Task ReadmeIngestionExample_RunsAndChecksTheWriteKey()
    {
        await using var app = IngestionQuickstart.Build(["--urls=http://127.0.0.1:0", "--Destinations:Acme:ApiKey=k", "--Destinations:Acme:Endpoint=http://127.0.0.1:9/unused", "--Logging:LogLevel:Default=None"]);
        await app.StartAsync();
        using var client = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };

        using var anonymous = await client.PostAsync("/v1/identify", new StringContent("""{"userId":"u"}"""));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/identify") { Content = new StringContent("""{"userId":"u"}""") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("my-write-key:")));
        using var authorized = await client.SendAsync(request);
        await app.StopAsync();

        Assert.That((anonymous.StatusCode, authorized.StatusCode), Is.EqualTo((HttpStatusCode.Unauthorized, HttpStatusCode.OK)));
    }
}
