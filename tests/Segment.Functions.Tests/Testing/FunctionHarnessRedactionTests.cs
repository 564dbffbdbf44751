using System.Net;
using Segment.Functions.Testing;

namespace Segment.Functions.Tests.Testing;

/// <summary>A key however it is escaped in a URL, and a key in an unmatched request, stay out of what the harness shows.</summary>
public sealed class FunctionHarnessRedactionTests
{
    private const string Endpoint = "https://api.example.test/track";

    [Test]
    public async Task RunAsync_SecretInUrlNeedingEscapes_IsRedactedFromTheTrace()
    {
        const string secret = "p@ss:w/rd?é";
        using var harness = new FunctionHarness<ScriptedFunction, WebhookSettings>(new WebhookSettings { ApiKey = secret, Endpoint = Endpoint });
        harness.Http.On(HttpMethod.Post, Endpoint + "*").Respond(HttpStatusCode.OK);

        var run = await harness.RunAsync(SampleEvents.Track());

        Assert.That(run.Requests.Single().Url, Does.Not.Contain("w%2Frd").And.Not.Contain("rd?é").And.Contain("***"));
    }

    [Test]
    public void RunAsync_UnmatchedRequestCarryingTheKey_DoesNotShowIt()
    {
        const string secret = "SECRET123-unmatched";
        using var harness = new FunctionHarness<ScriptedFunction, WebhookSettings>(new WebhookSettings { ApiKey = secret, Endpoint = Endpoint });

        var error = Assert.ThrowsAsync<UnmatchedRequestException>(() => harness.RunAsync(SampleEvents.Track()));

        Assert.That(error!.Message, Does.Not.Contain(secret).And.Contain("api.example.test"));
    }
}
