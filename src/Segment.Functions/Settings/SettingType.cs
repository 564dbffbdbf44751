namespace Segment.Functions;

/// <summary>The types a setting can have, as in Segment's "Add Setting" form.</summary>
public enum SettingType
{
    /// <summary>Text: a <see cref="string"/> property.</summary>
    String,

    /// <summary>A switch: a <see cref="bool"/> property.</summary>
    Boolean,

    /// <summary>A list of strings: <c>string[]</c>, <c>List&lt;string&gt;</c>, <c>IReadOnlyList&lt;string&gt;</c>, …</summary>
    Array,

    /// <summary>String keys to string values: <c>Dictionary&lt;string, string&gt;</c>, <c>IReadOnlyDictionary&lt;string, string&gt;</c>, …</summary>
    Map,
}
