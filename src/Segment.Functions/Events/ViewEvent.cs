using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Segment.Functions.Events.Internal;

namespace Segment.Functions;

/// <summary>What <see cref="PageEvent"/> and <see cref="ScreenEvent"/> share: a named view with properties.</summary>
[JsonConverter(typeof(SegmentEventJsonConverter))]
public abstract record ViewEvent : SegmentEvent
{
    private protected ViewEvent()
    {
    }

    /// <summary><c>name</c>: the name of the page or screen, e.g. <c>"Home"</c>.</summary>
    public string? Name { get => Field(EventField.Name).GetText(); init => Field(EventField.Name) = EventFieldValue.FromText(value); }

    /// <summary><c>category</c>: the category of the page or screen.</summary>
    public string? Category { get => Field(EventField.Category).GetText(); init => Field(EventField.Category) = EventFieldValue.FromText(value); }

    /// <summary><c>properties</c>: free-form details of the view. Never null.</summary>
    public JsonObject Properties { get => Field(EventField.Properties).GetObject(); init => Field(EventField.Properties) = EventFieldValue.FromObject(value); }
}
