using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Segment.Functions.Settings.Internal;

namespace Segment.Functions;

/// <summary>
/// The settings of a settings class, read from its <see cref="SettingAttribute"/>s: label, name, type,
/// description, required, encrypted. Use it to render a settings form, validate an instance, or find
/// the secrets to redact.
/// </summary>
public sealed class SettingsSchema
{
    private static readonly ConcurrentDictionary<Type, SettingsSchema> Cache = new();

    private SettingsSchema(Type settingsType, IReadOnlyList<SettingDescriptor> settings)
    {
        SettingsType = settingsType;
        Settings = settings;
    }

    /// <summary>The settings class.</summary>
    public Type SettingsType { get; }

    /// <summary>The settings, in declaration order.</summary>
    public IReadOnlyList<SettingDescriptor> Settings { get; }

    /// <summary>The schema of <typeparamref name="TSettings"/>.</summary>
    /// <typeparam name="TSettings">A class whose properties carry <see cref="SettingAttribute"/>.</typeparam>
    /// <exception cref="InvalidOperationException">A setting property has an unsupported type, or two settings share a name.</exception>
    public static SettingsSchema For<TSettings>() => For(typeof(TSettings));

    /// <summary>The schema of <paramref name="settingsType"/>.</summary>
    /// <param name="settingsType">A class whose properties carry <see cref="SettingAttribute"/>.</param>
    /// <exception cref="InvalidOperationException">A setting property has an unsupported type, or two settings share a name.</exception>
    public static SettingsSchema For(Type settingsType)
    {
        ArgumentNullException.ThrowIfNull(settingsType);
        return Cache.GetOrAdd(settingsType, Read);
    }

    /// <summary>Checks an instance: every required setting has a value.</summary>
    /// <param name="settings">The settings instance.</param>
    /// <exception cref="InvalidSettings">A required setting is missing; the message names it.</exception>
    public void Validate(object? settings)
    {
        if (settings is null)
        {
            throw new InvalidSettings($"No settings were given; expected an instance of {SettingsType.Name}.");
        }

        foreach (var setting in Settings)
        {
            if (setting.Required && setting.IsMissing(setting.Property.GetValue(settings)))
            {
                throw new InvalidSettings(
                    $"The required setting \"{setting.Name}\" ({setting.Label}) of {SettingsType.Name} has no value; set {SettingsType.Name}.{setting.Property.Name}.");
            }
        }
    }

    /// <summary>A redactor that hides the values of the encrypted settings of an instance.</summary>
    /// <param name="settings">The settings instance.</param>
    internal SecretRedactor CreateRedactor(object? settings)
    {
        if (settings is FunctionSettings bag)
        {
            return bag.CreateRedactor();
        }

        if (settings is null)
        {
            return SecretRedactor.None;
        }

        var secrets = Settings.Where(s => s.Encrypted).SelectMany(s => s.SecretsIn(s.Property.GetValue(settings))).ToList();
        return secrets.Count == 0 ? SecretRedactor.None : new SecretRedactor(secrets);
    }

    /// <summary>The schema as a JSON array of <c>{label, name, type, description, required, encrypted}</c>.</summary>
    public string ToJson()
    {
        var array = new JsonArray();
        foreach (var setting in Settings)
        {
            array.Add(new JsonObject
            {
                ["label"] = setting.Label,
                ["name"] = setting.Name,
                ["type"] = setting.Type.ToString().ToLowerInvariant(),
                ["description"] = setting.Description,
                ["required"] = setting.Required,
                ["encrypted"] = setting.Encrypted,
            });
        }

        return array.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    private static SettingsSchema Read(Type settingsType)
    {
        var settings = new List<SettingDescriptor>();
        foreach (var property in settingsType.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var attribute = property.GetCustomAttribute<SettingAttribute>();
            if (attribute is null)
            {
                continue;
            }

            var type = TypeOf(property.PropertyType) ?? throw new InvalidOperationException(
                $"The setting {settingsType.Name}.{property.Name} is a {property.PropertyType.Name}; a setting must be a string, bool, "
                + "list of strings (string[], List<string>, IReadOnlyList<string>) or map of strings (Dictionary<string, string>, IReadOnlyDictionary<string, string>).");
            settings.Add(new SettingDescriptor
            {
                Label = attribute.Label ?? property.Name,
                Name = attribute.Name ?? JsonNamingPolicy.CamelCase.ConvertName(property.Name),
                Type = type,
                Description = attribute.Description,
                Required = attribute.Required,
                Encrypted = attribute.Encrypted,
                Property = property,
            });
        }

        var duplicate = settings.GroupBy(s => s.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidOperationException($"Two settings of {settingsType.Name} are named \"{duplicate.Key}\"; give each a distinct Name.");
        }

        return new SettingsSchema(settingsType, settings);
    }

    private static SettingType? TypeOf(Type type)
    {
        if (type == typeof(string))
        {
            return SettingType.String;
        }

        if (type == typeof(bool))
        {
            return SettingType.Boolean;
        }

        if (type == typeof(string[]) || IsOneOf(type, typeof(List<>), typeof(IList<>), typeof(IReadOnlyList<>), typeof(IEnumerable<>), typeof(ICollection<>), typeof(IReadOnlyCollection<>)) && type.GetGenericArguments()[0] == typeof(string))
        {
            return SettingType.Array;
        }

        if (IsOneOf(type, typeof(Dictionary<,>), typeof(IDictionary<,>), typeof(IReadOnlyDictionary<,>))
            && type.GetGenericArguments() is [var key, var value] && key == typeof(string) && value == typeof(string))
        {
            return SettingType.Map;
        }

        return null;
    }

    private static bool IsOneOf(Type type, params Type[] definitions) =>
        type.IsGenericType && definitions.Contains(type.GetGenericTypeDefinition());
}
