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
    }

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
}
