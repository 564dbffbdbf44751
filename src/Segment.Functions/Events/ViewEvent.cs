using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Segment.Functions.Events.Internal;

namespace Segment.Functions;

/// <summary>What <see cref="PageEvent"/> and <see cref="ScreenEvent"/> share: a named view with properties.</summary>
[JsonConverter(typeof(SegmentEventJsonConverter))]
public abstract record ViewEvent : SegmentEvent
{
    internal LazyString _name;
    internal LazyString _category;
    internal LazyObject _properties;

    private protected ViewEvent()
    {
    }

    /// <summary><c>name</c>: the name of the page or screen, e.g. <c>"Home"</c>.</summary>
    public string? Name { get => _name.Get(); init => _name = LazyString.FromValue(value); }

    /// <summary><c>category</c>: the category of the page or screen.</summary>
    public string? Category { get => _category.Get(); init => _category = LazyString.FromValue(value); }

    /// <summary><c>properties</c>: free-form details of the view. Never null.</summary>
    public JsonObject Properties { get => _properties.Get(); init => _properties = LazyObject.FromValue(value); }

    internal override bool OwnsField(EventField field) =>
        field is EventField.Name or EventField.Category or EventField.Properties || base.OwnsField(field);

    private protected override void DetachFields()
    {
        base.DetachFields();
        _name = _name.Detached();
        _category = _category.Detached();
        _properties = _properties.Detached();
    }

    internal override void WriteOwnFields(Utf8JsonWriter writer)
    {
        _name.Write(writer, FieldNames.Name);
        _category.Write(writer, FieldNames.Category);
        _properties.Write(writer, FieldNames.Properties);
    }
}
