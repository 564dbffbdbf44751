using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;

namespace Segment.Functions.Dashboard.Internal;

/// <summary>
/// Writes HTML where every piece of text and every attribute value is encoded: event content is
/// attacker-controlled, so nothing but the pages' own literal markup is written raw.
/// </summary>
internal sealed class Html
{
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Default;
    private readonly StringBuilder _text = new();

    /// <summary>Writes the pages' own markup, never data.</summary>
    public Html Markup(string literal)
    {
        _text.Append(literal);
        return this;
    }

    /// <summary>Writes text, encoded.</summary>
    public Html Text(string? text)
    {
        if (!string.IsNullOrEmpty(text))
        {
            Encoder.Encode(new StringWriter(_text, CultureInfo.InvariantCulture), text);
        }

        return this;
    }

    /// <summary>Writes a number.</summary>
    public Html Number(long value) => Markup(value.ToString("N0", CultureInfo.InvariantCulture));

    /// <summary>Opens an element; attribute values are encoded and null ones left out.</summary>
    public Html Open(string tag, params (string Name, string? Value)[] attributes)
    {
        _text.Append('<').Append(tag);
        foreach (var (name, value) in attributes)
        {
            if (value is null)
            {
                continue;
            }

            _text.Append(' ').Append(name).Append("=\"");
            Text(value);
            _text.Append('"');
        }

        _text.Append('>');
        return this;
    }

    public Html Close(string tag) => Markup("</").Markup(tag).Markup(">");

    /// <summary>An element holding text.</summary>
    public Html Element(string tag, string? text, params (string Name, string? Value)[] attributes) =>
        Open(tag, attributes).Text(text).Close(tag);

    public Html Link(string href, string text, string? @class = null) => Element("a", text, ("href", href), ("class", @class));

    public override string ToString() => _text.ToString();

    /// <summary>Times as the pages show them: UTC, to the second.</summary>
    public static string Time(DateTimeOffset time) =>
        time == default ? "—" : time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    public static string Duration(TimeSpan duration) =>
        duration.TotalSeconds >= 1
            ? duration.TotalSeconds.ToString("0.##", CultureInfo.InvariantCulture) + " s"
            : duration.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture) + " ms";
}
