using System.Text;
using System.Text.Encodings.Web;

namespace Segment.Functions.Settings.Internal;

/// <summary>
/// Replaces the values of encrypted settings with <c>***</c> in any text the library records or
/// shows: logs, HTTP traces (URL, headers, bodies), error messages and <c>ToString()</c> output.
/// Each secret is also looked for in its URL-encoded (<c>%20</c> and form <c>+</c>) and JSON-escaped forms.
/// </summary>
internal sealed class SecretRedactor
{
    /// <summary>The text a secret is replaced with.</summary>
    public const string Mask = "***";

    private static readonly IReadOnlyList<(int Start, int End)> NoSecrets = [];

    private readonly string[] _needles;

    /// <summary>A redactor that changes nothing (no encrypted settings).</summary>
    public static SecretRedactor None { get; } = new([]);

    /// <summary>Creates a redactor for the given secret values; null and empty values are ignored.</summary>
    /// <param name="secrets">The values to hide.</param>
    public SecretRedactor(IEnumerable<string?> secrets)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        _needles = secrets
            .Where(s => !string.IsNullOrEmpty(s))
            .SelectMany(s => new[] { s!, Uri.EscapeDataString(s!), System.Net.WebUtility.UrlEncode(s!), JavaScriptEncoder.Default.Encode(s!), JavaScriptEncoder.UnsafeRelaxedJsonEscaping.Encode(s!) })
            .Distinct(StringComparer.Ordinal)
            // Longest first, so a secret that contains another is replaced whole.
            .OrderByDescending(s => s.Length)
            .ToArray();
        LongestSecretBytes = _needles.Length == 0 ? 0 : _needles.Max(Encoding.UTF8.GetByteCount);
    }

    /// <summary>UTF-8 bytes of the longest form of a secret looked for (0 when there is none).</summary>
    public int LongestSecretBytes { get; }

    /// <summary>Whether there is anything to hide.</summary>
    public bool IsEmpty => _needles.Length == 0;

    /// <summary>Returns <paramref name="text"/> with every secret replaced by <see cref="Mask"/>.</summary>
    /// <param name="text">Any text; null gives an empty string.</param>
    public string Redact(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text ?? "";
        }

        foreach (var needle in _needles)
        {
            if (text.Contains(needle, StringComparison.Ordinal))
            {
                text = text.Replace(needle, Mask, StringComparison.Ordinal);
            }
        }

        return text;
    }

    /// <summary>
    /// Writes the start of the redacted text, at most <paramref name="maxBytes"/> UTF-8 bytes, into
    /// <paramref name="destination"/>, reading only as far into <paramref name="text"/> as that needs
    /// (an HTTP trace keeps 4 KB of a body that may be 500 KB). Every occurrence of a secret is masked
    /// whole; occurrences that overlap are masked as one. The cut never splits a character.
    /// </summary>
    /// <param name="text">The text, or only its start when <paramref name="isWhole"/> is false.</param>
    /// <param name="isWhole">False when more text follows <paramref name="text"/>: a secret could begin before its end and continue after it, so nothing from where such a secret could begin is written.</param>
    /// <param name="maxBytes">The UTF-8 byte budget of the result.</param>
    /// <param name="destination">Where the result goes; <see cref="PrefixBufferLength"/> gives a length that is always enough.</param>
    /// <param name="written">Characters written to <paramref name="destination"/>.</param>
    /// <param name="cut">Whether something of the text (or of what follows it) was left out.</param>
    /// <returns>False when <paramref name="text"/> ended before the budget was filled with text known to be safe: call again with more of it.</returns>
    public bool TryRedactPrefix(ReadOnlySpan<char> text, bool isWhole, int maxBytes, Span<char> destination, out int written, out bool cut)
    {
        var masks = FindSecrets(text);
        var safeEnd = isWhole ? text.Length : StartOfPartialSecret(text);
        var budget = maxBytes;
        var next = 0; // the next mask in `masks`
        var i = 0;
        written = 0;
        cut = false;
        while (true)
        {
            if (i == text.Length && isWhole)
            {
                return true;
            }

            if (budget == 0)
            {
                cut = true;
                return true;
            }

            var maskHere = next < masks.Count && masks[next].Start == i;
            if (!maskHere && i >= safeEnd)
            {
                return false;
            }

            if (maskHere)
            {
                var stars = Math.Min(Mask.Length, budget);
                Mask.AsSpan(0, stars).CopyTo(destination[written..]);
                written += stars;
                budget -= stars;
                i = masks[next++].End;
                if (stars < Mask.Length)
                {
                    cut = true;
                    return true;
                }

                continue;
            }

            // Plain text up to the next mask (or to where a secret could begin): ASCII in one copy.
            var stop = Math.Min(next < masks.Count ? masks[next].Start : text.Length, safeEnd);
            var plain = text[i..Math.Min(stop, i + budget)];
            var ascii = plain.IndexOfAnyExceptInRange('\0', '\x7f');
            ascii = ascii < 0 ? plain.Length : ascii;
            plain[..ascii].CopyTo(destination[written..]);
            written += ascii;
            budget -= ascii;
            i += ascii;
            if (ascii < plain.Length)
            {
                // One character beyond ASCII: whole or not at all.
                Rune.DecodeFromUtf16(text[i..], out var rune, out var length);
                if (rune.Utf8SequenceLength > budget)
                {
                    cut = true;
                    return true;
                }

                text.Slice(i, length).CopyTo(destination[written..]);
                written += length;
                budget -= rune.Utf8SequenceLength;
                i += length;
            }
        }
    }

    /// <summary>A destination length for <see cref="TryRedactPrefix"/> that is always enough.</summary>
    /// <remarks>A character is at least one UTF-8 byte; a mask replacing a secret shorter than itself can at most triple the text.</remarks>
    public static int PrefixBufferLength(int textLength, int maxBytes) => (int)Math.Min(maxBytes, 3L * textLength);

    /// <summary>Where each secret occurs, in order, overlapping occurrences merged.</summary>
    private IReadOnlyList<(int Start, int End)> FindSecrets(ReadOnlySpan<char> text)
    {
        List<(int Start, int End)>? found = null;
        foreach (var needle in _needles)
        {
            // Step by one character, not by the needle: "aaaa" holds "aaa" twice, and both are masked.
            for (var from = 0; from <= text.Length - needle.Length;)
            {
                var at = text[from..].IndexOf(needle, StringComparison.Ordinal);
                if (at < 0)
                {
                    break;
                }

                (found ??= []).Add((from + at, from + at + needle.Length));
                from += at + 1;
            }
        }

        if (found is null)
        {
            return NoSecrets;
        }

        found.Sort();
        var merged = new List<(int Start, int End)>(found.Count) { found[0] };
        foreach (var (start, end) in found.Skip(1))
        {
            var last = merged[^1];
            if (start < last.End)
            {
                merged[^1] = (last.Start, Math.Max(last.End, end));
            }
            else
            {
                merged.Add((start, end));
            }
        }

        return merged;
    }

    /// <summary>The first position from which the rest of <paramref name="text"/> is the start of a secret (its length when none is).</summary>
    private int StartOfPartialSecret(ReadOnlySpan<char> text)
    {
        var earliest = text.Length;
        foreach (var needle in _needles)
        {
            for (var at = Math.Max(0, text.Length - needle.Length + 1); at < earliest; at++)
            {
                if (needle.AsSpan().StartsWith(text[at..], StringComparison.Ordinal))
                {
                    earliest = at;
                    break;
                }
            }
        }

        return earliest;
    }
}
