using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Segment.Functions.Dashboard.Internal;

internal static class PrettyJson
{
    // Readable characters (<, ', non-ASCII) stay as they are: the page HTML-encodes the text it shows.
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

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
