namespace Segment.Functions.Tests.Events;

/// <summary>An event's <c>ToString()</c> names its fields but never shows the write key, a credential.</summary>
public sealed class SegmentEventTextTests
{
    [TestCase("""{"type":"track","event":"Order","userId":"u-1","messageId":"m-1","writeKey":"wk_secret_123"}""")]
    [TestCase("""{"type":"identify","userId":"u-1","writeKey":"wk_secret_123","traits":{"a":1}}""")]
    [TestCase("""{"type":"page","anonymousId":"a-1","writeKey":"wk_secret_123","name":"Home"}""")]
    public void ToString_EventWithAWriteKey_ShowsItsFieldsButNotTheKey(string json)
    {
        var text = SegmentEvent.Parse(json).ToString();

        Assert.That(text, Does.Not.Contain("wk_secret_123"));
        Assert.That(text, Does.Contain("WriteKey = ***"));
        Assert.That(text, Does.Contain("u-1").Or.Contain("a-1"));
    }

    [Test]
    public void ToString_TrackEvent_IncludesItsOwnFields()
    {
        var text = new TrackEvent { Event = "Order Completed", UserId = "u-2" }.ToString();

        Assert.That(text, Does.StartWith("TrackEvent {"));
        Assert.That(text, Does.Contain("Order Completed"));
        Assert.That(text, Does.Not.Contain("WriteKey"));
    }
}
