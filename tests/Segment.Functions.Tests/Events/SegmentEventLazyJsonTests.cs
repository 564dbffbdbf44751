using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Segment.Functions.Tests.Events;

/// <summary>
/// A parsed event is a view over its own copy of the JSON: what it reads, when it reads it, is what was
/// parsed, whatever the caller does to its buffer afterwards, and escapes read back as their text.
/// </summary>
public sealed class SegmentEventLazyJsonTests
{
    private const string Json =
        "{\"type\":\"track\",\"userId\":\"u\\u00e9\",\"event\":\"Order \\\"Completed\\\"\",\"anonymousId\":42," +
        "\"timestamp\":\"2024-01-05T14:22:12.414+01:00\",\"sentAt\":\"2024\\u002d01-05T14:22:12Z\"," +
        "\"context\":[ ],\"integrations\":{\"All\":false,\"Mine\":true},\"properties\":{\"sku\":\"G-32\",\"n\":[1,{\"a\":null}]}," +
        "\"extra\":{\"k\":[true,false]},\"\\u00e9x\":1}";

    [Test]
    public void Parse_ThenOverwriteTheInput_EventStillReadsWhatWasParsed()
    {
        var buffer = Encoding.UTF8.GetBytes(Json);
        var track = (TrackEvent)SegmentEvent.Parse(buffer);
        Array.Fill(buffer, (byte)' ');

        Assert.Multiple(() =>
        {
            Assert.That(track.UserId, Is.EqualTo("ué"));
            Assert.That(track.Properties["sku"]!.GetValue<string>(), Is.EqualTo("G-32"));
            Assert.That(track.AdditionalFields["extra"]!.ToJsonString(), Is.EqualTo("{\"k\":[true,false]}"));
            Assert.That(JsonNode.DeepEquals(JsonNode.Parse(track.ToJson()), JsonNode.Parse(Json)), Is.True);
        });
    }

    [Test]
    public void Parse_EscapedAndNumericFields_ReadAsTheirText()
    {
        var track = (TrackEvent)SegmentEvent.Parse(Json);

        Assert.Multiple(() =>
        {
            Assert.That(track.Event, Is.EqualTo("Order \"Completed\""));
            Assert.That(track.AnonymousId, Is.EqualTo("42"));
            Assert.That(track.Timestamp, Is.EqualTo(new DateTimeOffset(2024, 1, 5, 14, 22, 12, 414, TimeSpan.FromHours(1))));
            Assert.That(track.SentAt, Is.EqualTo(new DateTimeOffset(2024, 1, 5, 14, 22, 12, TimeSpan.Zero)));
            Assert.That(track.Context, Is.Empty);
            Assert.That(track.Integrations["All"]!.GetValue<bool>(), Is.False);
            Assert.That(track.Properties["n"]![1]!.ToJsonString(), Is.EqualTo("{\"a\":null}"));
            Assert.That(track.AdditionalFields.Select(p => p.Key), Is.EqualTo(new[] { "extra", "éx" }));
        });
    }

    [Test]
    public void ToJson_UnreadEvent_WritesEveryFieldBackAsParsed()
    {
        var written = JsonNode.Parse(SegmentEvent.Parse(Json).ToJson());

        Assert.That(JsonNode.DeepEquals(written, JsonNode.Parse(Json)), Is.True, written!.ToJsonString());
    }

    [Test]
    public void Parse_SameJsonTwice_EqualAndOneReadChangesNothing()
    {
        var first = SegmentEvent.Parse(Json);
        var second = SegmentEvent.Parse(Encoding.UTF8.GetBytes(Json));
        _ = ((TrackEvent)second).Properties.Count;

        Assert.That(first, Is.EqualTo(second));
    }

    [TestCase("{\"type\":\"track\",\"userId\":\"u\",\"event\":\"e\",\"properties\":{\"\\ud800\":1}}")]
    [TestCase("{\"type\":\"track\",\"userId\":\"u\",\"event\":\"e\",\"properties\":{\"a\":[{\"b\":\"x\\udc00\"}]}}")]
    [TestCase("{\"type\":\"track\",\"userId\":\"u\",\"event\":\"e\",\"\\ud83d\":{}}")]
    public void Parse_LoneSurrogateInANestedNameOrValue_IsInvalid(string json)
    {
        var error = Assert.Throws<InvalidEventPayload>(() => SegmentEvent.Parse(json))!;

        Assert.That(error.Message, Does.Contain("cannot be read").And.Contains("surrogate"));
    }

    [Test]
    public void Parse_SurrogatePairInANestedName_IsThatCharacter()
    {
        var track = (TrackEvent)SegmentEvent.Parse("{\"type\":\"track\",\"userId\":\"u\",\"event\":\"e\",\"properties\":{\"\\ud83d\\ude00\":1,\"😀x\":2}}");

        Assert.That(track.Properties.Select(p => p.Key), Is.EqualTo(new[] { "😀", "😀x" }));
    }

    [Test]
    public void Parse_RootThatIsNotAnObject_SaysWhatItIs()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => SegmentEvent.Parse("\"track\""), Throws.TypeOf<InvalidEventPayload>().With.Message.EqualTo("An event must be a JSON object, not a string."));
            Assert.That(() => SegmentEvent.Parse("12"), Throws.TypeOf<InvalidEventPayload>().With.Message.EqualTo("An event must be a JSON object, not a number."));
            Assert.That(() => SegmentEvent.Parse("[{\"a\":1,\"a\":2}]"), Throws.TypeOf<InvalidEventPayload>().With.Message.Contains("Duplicate property 'a'"));
        });
    }

    [Test]
    public void Deserialize_InvalidUtf8InAValue_ThrowsInvalidEventPayload()
    {
        byte[] json = [.. "{\"type\":\"track\",\"userId\":\"u"u8, 0xC0, 0xAF, .. "\",\"event\":\"e\"}"u8];

        Assert.That(() => JsonSerializer.Deserialize<SegmentEvent>(json), Throws.TypeOf<InvalidEventPayload>().With.Message.Contains("UTF-8"));
    }
}
