using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Segment.Functions.Dispatch.Internal;
using Segment.Functions.Testing;
using Segment.Functions.Tests.Testing;

namespace Segment.Functions.Tests.Events;

/// <summary>Inputs a review found that escaped with the wrong exception, or changed in a round trip.</summary>
public sealed class ReviewRegressionTests
{
    public static IEnumerable<TestCaseData> UnreadableText()
    {
        yield return new TestCaseData(Encoding.UTF8.GetBytes("{\"type\":\"\\ud800\",\"userId\":\"u\"}")).SetArgDisplayNames("lone surrogate type");
        yield return new TestCaseData(Encoding.UTF8.GetBytes("{\"type\":\"identify\",\"userId\":\"u\",\"timestamp\":\"\\ud800\"}")).SetArgDisplayNames("lone surrogate timestamp");
        yield return new TestCaseData(Encoding.UTF8.GetBytes("{\"type\":\"identify\",\"userId\":\"u\",\"\\ud800\":1}")).SetArgDisplayNames("lone surrogate name");
        yield return new TestCaseData((byte[])[.. "{\"type\":\"tr"u8, 0xFF, .. "ck\",\"userId\":\"u\"}"u8]).SetArgDisplayNames("invalid UTF-8 in type");
        yield return new TestCaseData((byte[])[.. "{\"type\":\"identify\",\"userId\":\"u"u8, 0xC0, 0xAF, .. "\"}"u8]).SetArgDisplayNames("overlong UTF-8 in userId");
    }

    [TestCaseSource(nameof(UnreadableText))]
    public void Parse_UnreadableText_IsInvalidEventPayload(byte[] json)
    {
        Assert.Throws<InvalidEventPayload>(() => SegmentEvent.Parse(json));
    }

    [Test]
    public void ToJson_UnknownNamesWithEscapes_RoundTrip()
    {
        const string json = "{\"type\":\"identify\",\"userId\":\"u\",\"a\\\"b\":1,\"x\\u00e9\":2}";

        var written = JsonNode.Parse(SegmentEvent.Parse(json).ToJson())!.AsObject();

        Assert.That(written["a\"b"]!.GetValue<int>(), Is.EqualTo(1));
        Assert.That(written["x\u00e9"]!.GetValue<int>(), Is.EqualTo(2));
    }

    [Test]
    public void Utf8TextPrefix_CountsBytesAndKeepsPairsWhole()
    {
        var euros = new string('€', 1000);
        var emoji = string.Concat(Enumerable.Repeat("😀", 10));

        Assert.That(Encoding.UTF8.GetByteCount(Utf8Text.Prefix(euros, 300)), Is.EqualTo(300));
        Assert.That(Utf8Text.Prefix(emoji, 6), Is.EqualTo("😀"));
    }

    [Test]
    public async Task Harness_SecretInUrlNeedingEscapes_IsRedactedFromTheTrace()
    {
        const string secret = "p@ss:w/rd?é";
        using var harness = new FunctionHarness<ScriptedFunction, WebhookSettings>(new WebhookSettings { ApiKey = secret, Endpoint = "https://api.example.test/track" });
        harness.Http.On(HttpMethod.Post, "https://api.example.test/track*").Respond(HttpStatusCode.OK);

        var run = await harness.RunAsync(SampleEvents.Track());

        Assert.That(run.Requests.Single().Url, Does.Not.Contain("w%2Frd").And.Not.Contain("rd?é").And.Contain("***"));
    }

    [Test]
    public void Harness_UnmatchedRequestCarryingTheKey_DoesNotShowIt()
    {
        const string secret = "SECRET123-unmatched";
        using var harness = new FunctionHarness<ScriptedFunction, WebhookSettings>(new WebhookSettings { ApiKey = secret, Endpoint = "https://api.example.test/track" });

        var error = Assert.ThrowsAsync<UnmatchedRequestException>(() => harness.RunAsync(SampleEvents.Track()));

        Assert.That(error!.Message, Does.Not.Contain(secret).And.Contain("api.example.test"));
    }
}
