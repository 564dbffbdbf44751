using System.Text;
using System.Text.Json;

namespace Segment.Functions.Tests.Events;

/// <summary>The event size limit holds on every way in: the serializer as well as Parse and ParseAsync.</summary>
public sealed class SegmentEventSizeLimitTests
{
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
