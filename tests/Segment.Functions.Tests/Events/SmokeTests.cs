namespace Segment.Functions.Tests.Events;

public sealed class SmokeTests
{
    [Test]
    public void Parse_TrackFixture_ReadsEventAndUserId()
    {
        var parsed = SegmentEvent.Parse(Fixtures.Event("track.json"));
        Assert.That(parsed, Is.TypeOf<TrackEvent>());
        var track = (TrackEvent)parsed;
        Assert.That(track.Event, Is.EqualTo("Product Added"));
        Assert.That(track.UserId, Is.EqualTo("user-1234"));
    }
}
