using System.Text.Json.Serialization;
using Segment.Functions.Events.Internal;

namespace Segment.Functions;

/// <summary>A <c>screen</c> message: a mobile app screen view.</summary>
[JsonConverter(typeof(SegmentEventJsonConverter))]
public sealed record ScreenEvent : ViewEvent
{
    /// <inheritdoc/>
    public override string Type => "screen";

    /// <inheritdoc/>
    public override SegmentEventType MessageType => SegmentEventType.Screen;
}
