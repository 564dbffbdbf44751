using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Segment.Functions.Tests.Events;

/// <summary>Reading an event must never change what it serializes to; limits hold on every entry point.</summary>
public sealed class RoundTripRegressionTests
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
    public void Deserialize_OversizeEvent_IsInvalidEventPayload()
    {
        var json = File.ReadAllText(Path.Combine(Fixtures.BadDirectory, "oversize-40kb.json"));

        var error = Assert.Throws<InvalidEventPayload>(() => JsonSerializer.Deserialize<SegmentEvent>(json));

        Assert.That(error!.Message, Does.Contain("limit of 32768 bytes"));
    }

    [Test]
    public async Task ParseAsync_ByteOrderMarkOnAnEventAtTheLimit_IsAccepted()
    {
        var json = Encoding.UTF8.GetBytes("{\"type\":\"track\",\"event\":\"x\",\"userId\":\"u1\"}");
        var options = new EventParseOptions { MaxEventBytes = json.Length };
        using var stream = new MemoryStream([0xEF, 0xBB, 0xBF, .. json]);

        var parsed = await SegmentEvent.ParseAsync(stream, options);

        Assert.That(((TrackEvent)parsed).Event, Is.EqualTo("x"));
    }
}
