using System.Globalization;

namespace Segment.Functions.Dashboard.Internal;

/// <summary>The frame every page shares: head with the embedded stylesheet, navigation, and the page's body.</summary>
internal static class Layout
{
    public static string Page(string basePath, string title, Action<Html> body, TimeSpan? refresh = null)
    {
        var html = new Html().Markup("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">")
            .Markup("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
        if (refresh is { } every)
        {
            // A meta refresh keeps the overview current without any script.
            html.Open("meta", ("http-equiv", "refresh"), ("content", ((int)every.TotalSeconds).ToString(CultureInfo.InvariantCulture)));
        }

        html.Element("title", title + " · Segment.Functions")
            .Open("link", ("rel", "stylesheet"), ("href", basePath + "/assets/dashboard.css"))
            .Markup("</head><body><header>")
            .Link(basePath + "/", "Segment.Functions", "brand")
            .Markup("<nav>")
            .Link(basePath + "/", "Overview")
            .Link(basePath + "/test", "Test")
            .Markup("</nav></header><main>")
            .Element("h1", title);
        body(html);
        return html.Markup("</main></body></html>").ToString();
    }

    public static string Delivery(string basePath, string destination) => $"{basePath}/delivery?d={Uri.EscapeDataString(destination)}";

    public static string Event(string basePath, string destination, long sequence) =>
        $"{basePath}/event?d={Uri.EscapeDataString(destination)}&seq={sequence.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>A hidden antiforgery field for a form that posts.</summary>
    public static Html Antiforgery(this Html html, string fieldName, string? token) =>
        html.Open("input", ("type", "hidden"), ("name", fieldName), ("value", token));
}
