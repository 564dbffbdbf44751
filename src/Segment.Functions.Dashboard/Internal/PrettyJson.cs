using System.Text.Json;
using System.Text.Json.Nodes;

namespace Segment.Functions.Dashboard.Internal;

internal static class PrettyJson
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>The JSON indented; as it is when it does not parse (a record cut at its size limit, say).</summary>
    public static string Format(string json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return json;
        }

        try
        {
            return JsonNode.Parse(json)?.ToJsonString(Indented) ?? json;
        }
        catch (JsonException)
        {
            return json;
        }
    }
}
