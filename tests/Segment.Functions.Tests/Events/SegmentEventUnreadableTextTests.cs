using System.Text;

namespace Segment.Functions.Tests.Events;

/// <summary>Text that is not valid Unicode, anywhere in an event, is an <see cref="InvalidEventPayload"/>, never another exception.</summary>
public sealed class SegmentEventUnreadableTextTests
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
}
