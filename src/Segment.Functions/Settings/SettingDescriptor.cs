using System.Reflection;

namespace Segment.Functions;

/// <summary>One setting of a settings class, as data (what a UI needs to render its form field).</summary>
public sealed record SettingDescriptor
{
    /// <summary>The name users see.</summary>
    public required string Label { get; init; }

    /// <summary>The key, camelCase by default (<c>apiKey</c>).</summary>
    public required string Name { get; init; }

    /// <summary>The value type.</summary>
    public required SettingType Type { get; init; }

    /// <summary>Help text; null when none.</summary>
    public string? Description { get; init; }

    /// <summary>Whether a value must be given.</summary>
    public bool Required { get; init; }

    /// <summary>Whether the value is a secret.</summary>
    public bool Encrypted { get; init; }

    /// <summary>The C# property behind the setting.</summary>
    internal PropertyInfo Property { get; init; } = null!;

    /// <summary>Whether the value counts as missing: null, empty text, or an empty list or map.</summary>
    internal bool IsMissing(object? value) => value switch
    {
        null => true,
        string text => text.Length == 0,
        System.Collections.ICollection collection => collection.Count == 0,
        IEnumerable<string> items => !items.Any(),
        IEnumerable<KeyValuePair<string, string>> pairs => !pairs.Any(),
        _ => false,
    };

    /// <summary>The secret strings in a value: the text, or every item of a list or value of a map.</summary>
    internal IEnumerable<string?> SecretsIn(object? value) => value switch
    {
        string text => [text],
        IEnumerable<KeyValuePair<string, string>> pairs => pairs.Select(p => p.Value),
        IEnumerable<string> items => items,
        _ => [],
    };
}
