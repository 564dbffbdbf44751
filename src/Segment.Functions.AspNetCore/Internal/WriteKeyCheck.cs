using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Segment.Functions.AspNetCore.Internal;

/// <summary>Finds the request's write key (Basic auth first, then <c>writeKey</c> in the body) and checks it.</summary>
internal sealed class WriteKeyCheck
{
    private readonly Dictionary<string, IReadOnlySet<string>?> _keys;

    public WriteKeyCheck(IEnumerable<IngestionWriteKey> keys) =>
        _keys = keys.ToDictionary(
            k => k.Key,
            k => k.Destinations is { Count: > 0 } destinations ? (IReadOnlySet<string>)destinations.ToHashSet(StringComparer.Ordinal) : null,
            StringComparer.Ordinal);

    /// <summary>Whether any key is configured; with none, every request is accepted.</summary>
    public bool IsOpen => _keys.Count == 0;

    /// <summary>Checks the request.</summary>
    /// <param name="request">The request (for its Authorization header).</param>
    /// <param name="body">The parsed body, for a <c>writeKey</c> field.</param>
    /// <param name="destinations">The destinations the key may reach; null for all.</param>
    /// <returns>Whether the request may go on.</returns>
    public bool Allows(HttpRequest request, JsonObject body, out IReadOnlySet<string>? destinations)
    {
        destinations = null;
        if (IsOpen)
        {
            return true;
        }

        var key = FromBasicAuth(request) ?? (body["writeKey"] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null);
        return key is not null && _keys.TryGetValue(key, out destinations);
    }

    private static string? FromBasicAuth(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        try
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header["Basic ".Length..].Trim()));
            var colon = decoded.IndexOf(':', StringComparison.Ordinal);
            return colon < 0 ? decoded : decoded[..colon];
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
