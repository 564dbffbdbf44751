using System.Text.Json;
using System.Text.Json.Nodes;
using Segment.Functions.Events.Internal;
using Segment.Functions.Settings.Internal;

namespace Segment.Functions;

/// <summary>
/// Untyped settings, like the original <c>settings</c> object: values by name, read with typed getters.
/// Used by <see cref="DestinationFunction"/>; prefer a settings class with <see cref="SettingAttribute"/>.
/// </summary>
/// <remarks>Thread-safe for reading once built. <see cref="ToString"/> hides encrypted values.</remarks>
public sealed class FunctionSettings
{
    private readonly Dictionary<string, JsonNode?> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _encrypted = new(StringComparer.Ordinal);

    /// <summary>The names of the settings that have a value.</summary>
    public IEnumerable<string> Names => _values.Keys;

    /// <summary>Sets a String setting.</summary>
    /// <param name="name">The setting's name, e.g. <c>apiKey</c>.</param>
    /// <param name="value">The value.</param>
    /// <returns>This instance, to chain calls.</returns>
    public FunctionSettings Set(string name, string? value) => Set(name, value, false);

    /// <summary>Sets a String setting.</summary>
    /// <param name="name">The setting's name, e.g. <c>apiKey</c>.</param>
    /// <param name="value">The value.</param>
    /// <param name="encrypted">Whether it is a secret, hidden everywhere the library records text.</param>
    /// <returns>This instance, to chain calls.</returns>
    public FunctionSettings Set(string name, string? value, bool encrypted) => Put(name, value is null ? null : JsonValue.Create(value), encrypted);

    /// <summary>Sets a Boolean setting.</summary>
    /// <param name="name">The setting's name.</param>
    /// <param name="value">The value.</param>
    /// <returns>This instance, to chain calls.</returns>
    public FunctionSettings Set(string name, bool value) => Put(name, JsonValue.Create(value), encrypted: false);

    /// <summary>Sets an Array setting (a list of strings).</summary>
    /// <param name="name">The setting's name.</param>
    /// <param name="values">The items.</param>
    /// <returns>This instance, to chain calls.</returns>
    public FunctionSettings Set(string name, IEnumerable<string> values) => Set(name, values, false);

    /// <summary>Sets an Array setting (a list of strings).</summary>
    /// <param name="name">The setting's name.</param>
    /// <param name="values">The items.</param>
    /// <param name="encrypted">Whether the items are secrets.</param>
    /// <returns>This instance, to chain calls.</returns>
    public FunctionSettings Set(string name, IEnumerable<string> values, bool encrypted)
    {
        ArgumentNullException.ThrowIfNull(values);
        return Put(name, new JsonArray(values.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray()), encrypted);
    }

    /// <summary>Sets a Map setting (string keys to string values).</summary>
    /// <param name="name">The setting's name.</param>
    /// <param name="map">The entries.</param>
    /// <returns>This instance, to chain calls.</returns>
    public FunctionSettings Set(string name, IReadOnlyDictionary<string, string> map) => Set(name, map, false);

    /// <summary>Sets a Map setting (string keys to string values).</summary>
    /// <param name="name">The setting's name.</param>
    /// <param name="map">The entries.</param>
    /// <param name="encrypted">Whether the values are secrets.</param>
    /// <returns>This instance, to chain calls.</returns>
    public FunctionSettings Set(string name, IReadOnlyDictionary<string, string> map, bool encrypted)
    {
        ArgumentNullException.ThrowIfNull(map);
        var node = new JsonObject();
        foreach (var (key, value) in map)
        {
            node[key] = value;
        }

        return Put(name, node, encrypted);
    }

    /// <summary>Reads settings from a JSON object such as <c>{"apiKey":"…","enabled":true}</c>.</summary>
    /// <param name="json">A JSON object of settings.</param>
    /// <exception cref="InvalidSettings">The JSON is not an object.</exception>
    public static FunctionSettings FromJson(string json) => FromJson(json, encryptedNames: null);

    /// <summary>Reads settings from a JSON object such as <c>{"apiKey":"…","enabled":true}</c>.</summary>
    /// <param name="json">A JSON object of settings.</param>
    /// <param name="encryptedNames">The names whose values are secrets.</param>
    /// <exception cref="InvalidSettings">The JSON is not an object.</exception>
    public static FunctionSettings FromJson(string json, IEnumerable<string>? encryptedNames)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(json);
        }
        catch (JsonException e)
        {
            throw new InvalidSettings($"Settings are not valid JSON: {e.Message}", e);
        }

        if (node is not JsonObject obj)
        {
            throw new InvalidSettings("Settings must be a JSON object of name → value.");
        }

        var settings = new FunctionSettings();
        var secret = new HashSet<string>(encryptedNames ?? [], StringComparer.Ordinal);
        foreach (var (name, value) in obj)
        {
            settings.Put(name, value?.DeepClone(), secret.Contains(name));
        }

        return settings;
    }

    /// <summary>Whether the setting has a value.</summary>
    /// <param name="name">The setting's name.</param>
    public bool Contains(string name) => _values.TryGetValue(name, out var value) && value is not null;

    /// <summary>A String setting, or null when it is not set.</summary>
    /// <param name="name">The setting's name.</param>
    /// <exception cref="InvalidSettings">The setting holds another type.</exception>
    public string? GetString(string name) => Get(name, SettingType.String, static n => n.GetValueKind() == JsonValueKind.String ? n.GetValue<string>() : null);

    /// <summary>A String setting that must be set.</summary>
    /// <param name="name">The setting's name.</param>
    /// <exception cref="InvalidSettings">The setting is missing, empty, or holds another type.</exception>
    public string GetRequiredString(string name)
    {
        var value = GetString(name);
        return string.IsNullOrEmpty(value) ? throw new InvalidSettings($"The required setting \"{name}\" has no value.") : value;
    }

    /// <summary>A Boolean setting, or false when it is not set.</summary>
    /// <param name="name">The setting's name.</param>
    /// <exception cref="InvalidSettings">The setting holds another type.</exception>
    public bool GetBoolean(string name) => GetBoolean(name, false);

    /// <summary>A Boolean setting, or <paramref name="defaultValue"/> when it is not set.</summary>
    /// <param name="name">The setting's name.</param>
    /// <param name="defaultValue">The value when not set.</param>
    /// <exception cref="InvalidSettings">The setting holds another type.</exception>
    public bool GetBoolean(string name, bool defaultValue) =>
        Get<bool?>(name, SettingType.Boolean, static n => n.GetValueKind() switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => null,
        }) ?? defaultValue;

    /// <summary>An Array setting; empty when it is not set.</summary>
    /// <param name="name">The setting's name.</param>
    /// <exception cref="InvalidSettings">The setting holds another type.</exception>
    public IReadOnlyList<string> GetStringList(string name) =>
        Get<IReadOnlyList<string>?>(name, SettingType.Array, static n => n is JsonArray array && array.All(i => i?.GetValueKind() == JsonValueKind.String)
            ? array.Select(i => i!.GetValue<string>()).ToArray()
            : null) ?? [];

    /// <summary>A Map setting; empty when it is not set.</summary>
    /// <param name="name">The setting's name.</param>
    /// <exception cref="InvalidSettings">The setting holds another type.</exception>
    public IReadOnlyDictionary<string, string> GetStringMap(string name) =>
        Get<IReadOnlyDictionary<string, string>?>(name, SettingType.Map, static n => n is JsonObject obj && obj.All(p => p.Value?.GetValueKind() == JsonValueKind.String)
            ? obj.ToDictionary(p => p.Key, p => p.Value!.GetValue<string>(), StringComparer.Ordinal)
            : null) ?? new Dictionary<string, string>();

    /// <summary>The settings as JSON with encrypted values shown as <c>***</c>.</summary>
    public override string ToString()
    {
        var shown = new JsonObject();
        foreach (var (name, value) in _values)
        {
            shown[name] = _encrypted.Contains(name) && value is not null ? SecretRedactor.Mask : value?.DeepClone();
        }

        return shown.ToJsonString();
    }

    internal SecretRedactor CreateRedactor()
    {
        var secrets = new List<string?>();
        foreach (var name in _encrypted)
        {
            switch (_values.GetValueOrDefault(name))
            {
                case JsonArray array:
                    secrets.AddRange(array.Select(i => i?.ToString()));
                    break;
                case JsonObject map:
                    secrets.AddRange(map.Select(p => p.Value?.ToString()));
                    break;
                case JsonNode node:
                    secrets.Add(node.ToString());
                    break;
            }
        }

        return secrets.Count == 0 ? SecretRedactor.None : new SecretRedactor(secrets);
    }

    private FunctionSettings Put(string name, JsonNode? value, bool encrypted)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        _values[name] = value;
        if (encrypted)
        {
            _encrypted.Add(name);
        }

        return this;
    }

    private T? Get<T>(string name, SettingType expected, Func<JsonNode, T?> read)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (!_values.TryGetValue(name, out var node) || node is null)
        {
            return default;
        }

        // The value itself is left out of the message: it may be a secret.
        return read(node) ?? throw new InvalidSettings($"The setting \"{name}\" is not a {expected} setting (it holds {SegmentEventParser.Describe(node.GetValueKind())}).");
    }
}
