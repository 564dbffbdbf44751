using System.Text;

namespace Segment.Functions.JavaScript.Internal;

/// <summary>
/// Node's string encodings over bytes. Bytes cross into script as "latin1" strings (one char per byte),
/// which is lossless and needs no typed array on the host side.
/// </summary>
internal static class ByteStrings
{
    public static byte[] FromLatin1(string text)
    {
        var bytes = new byte[text.Length];
        for (var i = 0; i < text.Length; i++)
        {
            bytes[i] = (byte)text[i];
        }

        return bytes;
    }

    public static string ToLatin1(ReadOnlySpan<byte> bytes) => Encoding.Latin1.GetString(bytes);

    /// <summary>Like Node's <c>Buffer.from(text, encoding)</c>.</summary>
    /// <exception cref="ArgumentException">The encoding is not one Node knows.</exception>
    public static byte[] Decode(string text, string encoding) => Normalize(encoding) switch
    {
        "utf8" => Encoding.UTF8.GetBytes(text),
        "latin1" => FromLatin1(text),
        "ascii" => FromLatin1(text),
        "hex" => FromHex(text),
        "base64" => FromBase64(text),
        "utf16le" => Encoding.Unicode.GetBytes(text),
        _ => throw new ArgumentException($"Unknown encoding: {encoding}"),
    };

    /// <summary>Like Node's <c>buffer.toString(encoding)</c>.</summary>
    /// <exception cref="ArgumentException">The encoding is not one Node knows.</exception>
    public static string Encode(ReadOnlySpan<byte> bytes, string encoding) => Normalize(encoding) switch
    {
        "utf8" => Encoding.UTF8.GetString(bytes),
        "latin1" => ToLatin1(bytes),
        "ascii" => Encoding.ASCII.GetString(bytes),
        "hex" => Convert.ToHexStringLower(bytes),
        "base64" => Convert.ToBase64String(bytes),
        "base64url" => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_'),
        "utf16le" => Encoding.Unicode.GetString(bytes),
        _ => throw new ArgumentException($"Unknown encoding: {encoding}"),
    };

    /// <summary>
    /// Base64 as Node's <c>Buffer.from(s, 'base64')</c> reads it (the npm <c>atob</c> package): URL-safe
    /// letters accepted, whitespace and other characters skipped, padding optional, stops at the first <c>=</c>.
    /// </summary>
    public static byte[] FromBase64(string text)
    {
        var clean = new StringBuilder(text.Length + 3);
        foreach (var c in text)
        {
            if (c == '=')
            {
                break;
            }

            if (char.IsAsciiLetterOrDigit(c) || c is '+' or '/')
            {
                clean.Append(c);
            }
            else if (c is '-' or '_')
            {
                clean.Append(c == '-' ? '+' : '/');
            }
        }

        // A lone trailing character carries fewer than 8 bits: Node drops it.
        if (clean.Length % 4 == 1)
        {
            clean.Length--;
        }

        while (clean.Length % 4 != 0)
        {
            clean.Append('=');
        }

        return Convert.FromBase64String(clean.ToString());
    }

    // Node decodes hex pairs until the first pair that is not hex.
    private static byte[] FromHex(string text)
    {
        var bytes = new List<byte>(text.Length / 2);
        for (var i = 0; i + 1 < text.Length; i += 2)
        {
            if (!char.IsAsciiHexDigit(text[i]) || !char.IsAsciiHexDigit(text[i + 1]))
            {
                break;
            }

            bytes.Add(Convert.ToByte(text.Substring(i, 2), 16));
        }

        return bytes.ToArray();
    }

    private static string Normalize(string encoding) => encoding.ToLowerInvariant() switch
    {
        "utf8" or "utf-8" => "utf8",
        "latin1" or "binary" => "latin1",
        "ucs2" or "ucs-2" or "utf16le" or "utf-16le" => "utf16le",
        var other => other,
    };
}
