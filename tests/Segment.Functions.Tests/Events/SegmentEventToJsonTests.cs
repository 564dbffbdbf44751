using System.Text.Json.Nodes;

namespace Segment.Functions.Tests.Events;

/// <summary>Reading an event never changes what it serializes to; what was not changed is written as it came.</summary>
public sealed class SegmentEventToJsonTests
{
    [Test]
    public void ToJson_AfterReadingAnEmptyArrayBag_KeepsTheArray()
    {
        var delete = SegmentEvent.Parse(Fixtures.Event("delete.json"));

        Assert.That(delete.Context, Is.Empty);
        var written = JsonNode.Parse(delete.ToJson())!;

        Assert.That(written["context"], Is.InstanceOf<JsonArray>());
        Assert.That(written["integrations"], Is.InstanceOf<JsonArray>());
    }

    [Test]
    public void ToJson_AfterReadingAnAbsentBag_DoesNotAddIt()
    {
        var page = SegmentEvent.Parse(Fixtures.Event("quirks-dotnet-local-offset.json"));

        Assert.That(page.Integrations, Is.Empty);

        Assert.That(JsonNode.Parse(page.ToJson())!.AsObject().ContainsKey("integrations"), Is.False);
    }

    [Test]
    public void ToJson_BagAbsentButFilledByAHandler_WritesIt()
    {
        var page = SegmentEvent.Parse(Fixtures.Event("quirks-dotnet-local-offset.json"));

        page.Integrations["All"] = false;

        Assert.That(JsonNode.Parse(page.ToJson())!["integrations"]!["All"]!.GetValue<bool>(), Is.False);
    }

    [Test]
    public void ToJson_RecordBuiltInCode_WritesOnlyWhatWasSet()
    {
        var track = new TrackEvent { Event = "A", UserId = "u" };
        _ = track.Properties;

        Assert.That(track.ToJson(), Is.EqualTo("{\"type\":\"track\",\"userId\":\"u\",\"event\":\"A\"}"));
    }

    [Test]
    public void ToJson_UnchangedFields_AreTheOriginalBytes()
    {
        var page = SegmentEvent.Parse(Fixtures.Event("quirks-dotnet-local-offset.json"));

        var json = page.ToJson();

        Assert.That(json, Does.Contain("\"timestamp\":\"2026-03-01T10:15:30.123+01:00\""));
        Assert.That(json, Does.Contain("\"extraTopLevel\":{\"kept\":true}"));
    }

    [Test]
    public void ToJson_UnknownNamesWithEscapes_RoundTrip()
    {
        const string json = "{\"type\":\"identify\",\"userId\":\"u\",\"a\\\"b\":1,\"x\\u00e9\":2}";

        var written = JsonNode.Parse(SegmentEvent.Parse(json).ToJson())!.AsObject();

        Assert.That(written["a\"b"]!.GetValue<int>(), Is.EqualTo(1));
        Assert.That(written["x\u00e9"]!.GetValue<int>(), Is.EqualTo(2));
    }
}
