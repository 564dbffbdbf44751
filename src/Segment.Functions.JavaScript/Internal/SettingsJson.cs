using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;

namespace Segment.Functions.JavaScript.Internal;

/// <summary>Settings as the JSON object a script gets as <c>settings</c>, and settings read from configuration.</summary>
internal static class SettingsJson
{
    // What FunctionSettings.ToString shows in place of an encrypted value.
    private const string Mask = "***";

    /// <summary>
    /// The settings as JSON, secrets included (the script needs them). Built from the public API:
    /// <see cref="FunctionSettings.ToString"/> shows everything but the secrets, which the typed getters give.
    /// </summary>
    public static string Write(FunctionSettings settings)
    {
        var shown = JsonNode.Parse(settings.ToString())!.AsObject();
        foreach (var name in settings.Names.ToArray())
        {
            if (shown[name] is JsonValue value && value.TryGetValue<string>(out var text) && text == Mask)
            {
                shown[name] = Read(settings, name);
            }
        }

        return shown.ToJsonString();
    }

    /// <summary>Reads settings from a configuration section: "true"/"false" as Boolean, numbered children as Array, other children as Map, the rest as String.</summary>
    public static FunctionSettings FromConfiguration(IConfiguration section, IEnumerable<string>? encryptedNames)
    {
        var secret = new HashSet<string>(encryptedNames ?? [], StringComparer.Ordinal);
        var settings = new FunctionSettings();
        foreach (var child in section.GetChildren())
        {
            var encrypted = secret.Contains(child.Key);
            if (child.Value is { } text)
            {
                if (!encrypted && bool.TryParse(text, out var flag))
                {
                    settings.Set(child.Key, flag);
                }
                else
                {
                    settings.Set(child.Key, text, encrypted);
                }

                continue;
            }

            var items = child.GetChildren().ToArray();
            if (items.Select((item, index) => item.Key == index.ToString(System.Globalization.CultureInfo.InvariantCulture)).All(matches => matches))
            {
                settings.Set(child.Key, items.Select(item => item.Value ?? ""), encrypted);
            }
            else
            {
                settings.Set(child.Key, items.ToDictionary(item => item.Key, item => item.Value ?? "", StringComparer.Ordinal), encrypted);
            }
        }

        return settings;
    }

    // An encrypted setting is a String, an Array or a Map; each getter refuses the other kinds.
    private static JsonNode? Read(FunctionSettings settings, string name)
    {
        try
        {
            return JsonValue.Create(settings.GetString(name));
        }
        catch (InvalidSettings)
        {
        }

        try
        {
            return new JsonArray(settings.GetStringList(name).Select(v => (JsonNode?)JsonValue.Create(v)).ToArray());
        }
        catch (InvalidSettings)
        {
        }

        var map = new JsonObject();
        foreach (var (key, value) in settings.GetStringMap(name))
        {
            map[key] = value;
        }

        return map;
    }
}
