namespace Segment.Functions;

/// <summary>
/// Marks a property of a settings class as a function setting, with what Segment's "Add Setting"
/// form asks for. Supported property types: <see cref="string"/>, <see cref="bool"/>, a list of
/// strings (Array) and a string-to-string dictionary (Map).
/// </summary>
[AttributeUsage(AttributeTargets.Property, Inherited = true, AllowMultiple = false)]
public sealed class SettingAttribute : Attribute
{
    /// <summary>The name users see, e.g. <c>"API Key"</c>. Defaults to the property name.</summary>
    public string? Label { get; set; }

    /// <summary>The setting's key, e.g. <c>"apiKey"</c>. Defaults to the property name in camelCase.</summary>
    public string? Name { get; set; }

    /// <summary>Optional help text shown below the label.</summary>
    public string? Description { get; set; }

    /// <summary>Whether a value must be given. A missing required setting is <see cref="InvalidSettings"/>.</summary>
    public bool Required { get; set; }

    /// <summary>Whether the value is a secret: never shown in logs, traces, records, errors or <c>ToString()</c>.</summary>
    public bool Encrypted { get; set; }
}
