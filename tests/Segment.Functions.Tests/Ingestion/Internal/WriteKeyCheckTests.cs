using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Segment.Functions.AspNetCore;
using Segment.Functions.AspNetCore.Internal;

namespace Segment.Functions.Tests.Ingestion.Internal;

public sealed class WriteKeyCheckTests
{
    private const string Key = "wk-live";

    // Authorization headers as the SDKs send them: Basic base64("<key>:").
    private const string BasicLive = "Basic d2stbGl2ZTo=";   // wk-live:
    private const string BasicOther = "Basic d2stb3RoZXI6";  // wk-other:
    private const string BasicUpper = "Basic V0stTElWRTo=";  // WK-LIVE:
    private const string BasicEmpty = "Basic Og==";          // :

    [Test]
    public void Allows_NoKeysConfigured_AcceptsEveryRequestForEveryDestination()
    {
        var sut = new WriteKeyCheck([]);

        var allowed = Allows(sut, authorization: null, Body(writeKey: null), out var destinations);

        Assert.That(sut.IsOpen, Is.True);
        Assert.That(allowed, Is.True);
        Assert.That(destinations, Is.Null);
    }

    // What the Segment SDKs send: Basic base64("<writeKey>:"); some omit the colon, a proxy may add a password.
    [TestCase("wk-live:")]
    [TestCase("wk-live")]
    [TestCase("wk-live:ignored-password")]
    public void Allows_KeyInBasicAuth_Accepts(string credentials)
    {
        var sut = CreateSut();

        Assert.That(Allows(sut, Basic(credentials), Body(writeKey: null), out _), Is.True);
        Assert.That(sut.IsOpen, Is.False);
    }

    [TestCase("basic")]
    [TestCase("BASIC")]
    public void Allows_SchemeInAnyCase_Accepts(string scheme)
    {
        var sut = CreateSut();
        var encoded = Convert.ToBase64String(Encoding.UTF8.GetBytes(Key + ":"));

        Assert.That(Allows(sut, $"{scheme} {encoded}", Body(writeKey: null), out _), Is.True);
    }

    [Test]
    public void Allows_KeyInTheBody_Accepts()
    {
        var sut = CreateSut();

        Assert.That(Allows(sut, authorization: null, Body(Key), out _), Is.True);
    }

    [TestCase(null, null, false, TestName = "No key anywhere")]
    [TestCase(BasicOther, null, false, TestName = "Unknown key in the header")]
    [TestCase(null, "wk-other", false, TestName = "Unknown key in the body")]
    [TestCase(BasicUpper, null, false, TestName = "Keys are case-sensitive")]
    [TestCase(BasicEmpty, null, false, TestName = "Empty key in the header")]
    [TestCase(BasicOther, Key, false, TestName = "The header wins over the body: wrong header, right body")]
    [TestCase(BasicLive, "wk-other", true, TestName = "The header wins over the body: right header, wrong body")]
    [TestCase("Bearer wk-live", null, false, TestName = "Another scheme is not a write key")]
    [TestCase("Bearer wk-live", Key, true, TestName = "Another scheme leaves the body's key to decide")]
    [TestCase("Basic !!not-base64!!", Key, false, TestName = "An unreadable Basic header is refused, whatever the body says")]
    [TestCase("Basic !!not-base64!!", null, false, TestName = "An unreadable Basic header alone is refused")]
    public void Allows_WhereTheKeyIs_DecidesAsDocumented(string? authorization, string? bodyKey, bool expected)
    {
        var sut = CreateSut();

        Assert.That(Allows(sut, authorization, Body(bodyKey), out _), Is.EqualTo(expected));
    }

    [Test]
    public void Allows_WriteKeyInTheBodyNotAString_IsRefused()
    {
        var sut = CreateSut();
        var body = new JsonObject { ["writeKey"] = 42 };

        Assert.That(Allows(sut, authorization: null, body, out _), Is.False);
    }

    [Test]
    public void Allows_KeyLimitedToDestinations_ReturnsThoseDestinations()
    {
        var sut = new WriteKeyCheck([new IngestionWriteKey { Key = Key, Destinations = ["A", "B"] }]);

        Assert.That(Allows(sut, Basic(Key + ":"), Body(writeKey: null), out var destinations), Is.True);
        Assert.That(destinations, Is.EquivalentTo(new[] { "A", "B" }));
        Assert.That(destinations!.Contains("a"), Is.False, "destination names are case-sensitive");
    }

    [Test]
    public void Allows_KeyWithAnEmptyDestinationList_ReachesEveryDestination()
    {
        var sut = new WriteKeyCheck([new IngestionWriteKey { Key = Key, Destinations = [] }]);

        Assert.That(Allows(sut, Basic(Key), Body(writeKey: null), out var destinations), Is.True);
        Assert.That(destinations, Is.Null);
    }

    [Test]
    public void Allows_SeveralKeys_EachGetsItsOwnDestinations()
    {
        var sut = new WriteKeyCheck(
        [
            new IngestionWriteKey { Key = "wk-a", Destinations = ["A"] },
            new IngestionWriteKey { Key = "wk-all" },
        ]);

        Assert.That(Allows(sut, Basic("wk-a:"), Body(writeKey: null), out var forA), Is.True);
        Assert.That(Allows(sut, authorization: null, Body("wk-all"), out var forAll), Is.True);
        Assert.That(forA, Is.EquivalentTo(new[] { "A" }));
        Assert.That(forAll, Is.Null);
    }

    [Test]
    public void Allows_Refused_GivesNoDestinations()
    {
        var sut = new WriteKeyCheck([new IngestionWriteKey { Key = Key, Destinations = ["A"] }]);

        Assert.That(Allows(sut, Basic("wk-other:"), Body(writeKey: null), out var destinations), Is.False);
        Assert.That(destinations, Is.Null);
    }

    // The one place these tests call the check: how a request's key reaches it is the check's own business.
    // As the endpoint does: a key read from the header decides; without one, the body's key does.
    private static bool Allows(WriteKeyCheck sut, string? authorization, JsonObject body, out IReadOnlySet<string>? destinations)
    {
        var key = WriteKeyCheck.FromHeader(Request(authorization)) ?? WriteKeyCheck.FromBody(body);
        var allowed = sut.Allows(key, out var match);
        destinations = allowed ? match.Destinations : null;
        return allowed;
    }

    private static WriteKeyCheck CreateSut() => new([new IngestionWriteKey { Key = Key }]);

    private static string Basic(string credentials) => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials));

    private static HttpRequest Request(string? authorization)
    {
        var context = new DefaultHttpContext();
        if (authorization is not null)
        {
            context.Request.Headers.Authorization = authorization;
        }

        return context.Request;
    }

    private static JsonObject Body(string? writeKey)
    {
        var body = new JsonObject { ["type"] = "track", ["userId"] = "u", ["event"] = "E" };
        if (writeKey is not null)
        {
            body["writeKey"] = writeKey;
        }

        return body;
    }
}
