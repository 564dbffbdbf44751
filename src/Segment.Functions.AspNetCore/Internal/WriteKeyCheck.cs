using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Segment.Functions.AspNetCore.Internal;

/// <summary>
/// Finds the request's write key (<c>Authorization: Basic</c> first, then <c>writeKey</c> in the
/// body) and checks it against the configured keys in constant time.
/// </summary>
/// <remarks>
/// Keys are compared as SHA-256 digests with <see cref="CryptographicOperations.FixedTimeEquals"/>,
/// against every configured key without stopping at a match, so the time taken says nothing about
/// how much of a guess was right, nor about the keys' lengths.
/// </remarks>
internal sealed class WriteKeyCheck
{
    private readonly byte[][] _digests;
    private readonly IReadOnlySet<string>?[] _destinations;

    public WriteKeyCheck(IEnumerable<IngestionWriteKey> keys)
    {
        var list = keys.ToArray();
        _digests = Array.ConvertAll(list, k => Digest(k.Key));
        _destinations = Array.ConvertAll(list, k => k.Destinations is { Count: > 0 } destinations
            ? (IReadOnlySet<string>?)destinations.ToHashSet(StringComparer.Ordinal)
            : null);
    }

    /// <summary>Whether no key is configured; then every request is accepted.</summary>
    public bool IsOpen => _digests.Length == 0;

    /// <summary>Reads the key from an <c>Authorization: Basic</c> header.</summary>
    /// <returns>
    /// The key; <see cref="string.Empty"/> when the header is Basic but unreadable (a wrong key);
    /// null when there is no Basic header (the body may carry the key).
    /// </returns>
    public static string? FromHeader(HttpRequest request)
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
            return "";
        }
    }

    /// <summary>Reads a <c>writeKey</c> string from the body; null when there is none.</summary>
    /// <exception cref="InvalidOperationException">The body's names cannot be read (duplicates).</exception>
    public static string? FromBody(JsonObject body) =>
        body["writeKey"] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    /// <summary>Checks a key.</summary>
    /// <param name="key">The key the request presented; null when it presented none.</param>
    /// <param name="match">The configured key's index (the dedupe window's owner) and the destinations it may reach (null for all).</param>
    /// <returns>Whether the request may go on; always true when <see cref="IsOpen"/>.</returns>
    public bool Allows(string? key, out WriteKeyMatch match)
    {
        match = new WriteKeyMatch(-1, null);
        if (IsOpen)
        {
            return true;
        }

        if (string.IsNullOrEmpty(key))
        {
            return false;
        }

        var digest = Digest(key);
        var found = -1;
        for (var i = 0; i < _digests.Length; i++)
        {
            if (CryptographicOperations.FixedTimeEquals(digest, _digests[i]))
            {
                found = i;
            }
        }

        if (found < 0)
        {
            return false;
        }

        match = new WriteKeyMatch(found, _destinations[found]);
        return true;
    }

    private static byte[] Digest(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}

/// <summary>Which configured key a request presented.</summary>
/// <param name="Index">Its index in <see cref="SegmentIngestionOptions.WriteKeys"/>; -1 when the endpoint is open.</param>
/// <param name="Destinations">The destinations its events may reach; null for all.</param>
internal readonly record struct WriteKeyMatch(int Index, IReadOnlySet<string>? Destinations);
