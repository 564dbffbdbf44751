using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Segment.Functions.Delivery;
using Segment.Functions.Hosting;

namespace Segment.Functions.Dashboard.Internal;

/// <summary>The overview: every destination's health, what it holds now, its totals and its last hour.</summary>
internal sealed partial class DashboardPages
{
    public async Task<PageResult> OverviewAsync(HttpContext context, string basePath)
    {
        var health = await HealthAsync(context.RequestAborted).ConfigureAwait(false);
        var now = time.GetUtcNow();
        var records = new Dictionary<string, IReadOnlyList<DeliveryRecord>>(StringComparer.Ordinal);
        foreach (var name in functions.Destinations)
        {
            records[name] = await RecordsAsync(name, context.RequestAborted).ConfigureAwait(false);
        }

        var page = Layout.Page(basePath, "Destinations", html =>
        {
            html.Open("p", ("class", "muted")).Text($"{functions.Destinations.Count} destination(s) · {Html.Time(now)} · refreshes every {(int)Options.RefreshInterval.TotalSeconds} s").Close("p");
            foreach (var name in functions.Destinations)
            {
                Destination(html, basePath, name, health.TryGetValue(SegmentFunctionsBuilder.HealthCheckName(name), out var entry) ? entry : null, records[name], now);
            }
        }, Options.RefreshInterval);
        return new PageResult(StatusCodes.Status200OK, page);
    }

    private void Destination(Html html, string basePath, string name, HealthReportEntry? health, IReadOnlyList<DeliveryRecord> records, DateTimeOffset now)
    {
        var status = functions.GetStatus(name);
        var counts = functions.GetCounts(name);
        html.Open("section", ("class", "card destination"), ("data-destination", name))
            .Open("h2").Link(Layout.Delivery(basePath, name), name).Markup(" ");
        if (health is { } entry)
        {
            var state = entry.Status switch
            {
                HealthStatus.Healthy => "healthy",
                HealthStatus.Degraded => "degraded",
                _ => "unhealthy",
            };
            html.Element("span", state, ("class", "badge " + state)).Close("h2")
                .Element("p", entry.Description, ("class", "muted health"));
        }
        else
        {
            html.Element("span", "health unknown", ("class", "badge")).Close("h2")
                .Element("p", "No health check service is registered (services.AddHealthChecks()).", ("class", "muted"));
        }

        html.Markup("<div class=\"stats\">");
        Stat(html, "Queued", status.Queued, "queued");
        Stat(html, "In flight", status.InFlight, "in-flight");
        Stat(html, "Waiting for retry", status.WaitingForRetry, "waiting");
        Stat(html, "Delivered", counts.Delivered, "delivered");
        Stat(html, "Discarded", counts.DiscardedTotal, "discarded");
        Stat(html, "Expired", counts.Expired, "expired");
        html.Markup("</div>");
        MinuteTally.Count(records, now).Render(html);
        html.Open("p").Link(Layout.Delivery(basePath, name), "Event Delivery").Markup(" · ")
            .Link(Layout.Delivery(basePath, name) + "&state=Retrying", "Waiting for retry").Markup(" · ")
            .Link($"{basePath}/test?d={Uri.EscapeDataString(name)}", "Test").Close("p")
            .Close("section");
    }

    private static void Stat(Html html, string label, long value, string key) =>
        html.Open("div", ("data-count", key)).Open("b").Number(value).Close("b").Element("span", label, ("class", "muted")).Close("div");
}
