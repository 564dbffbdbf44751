using System.Globalization;
using Microsoft.AspNetCore.Http;
using Segment.Functions.Delivery;

namespace Segment.Functions.Dashboard.Internal;

/// <summary>
/// Event Delivery for one destination: totals by reason, counts for a period, and the recent failures,
/// newest first, paged, filtered by state and reason, searched by <c>messageId</c>.
/// </summary>
internal sealed partial class DashboardPages
{
    private static readonly (string Key, string Label, TimeSpan? Span)[] Periods =
    [
        ("1h", "Last hour", TimeSpan.FromHours(1)),
        ("24h", "Last 24 hours", TimeSpan.FromHours(24)),
        ("7d", "Last 7 days", TimeSpan.FromDays(7)),
        ("all", "All records kept", null),
    ];

    private static readonly DeliveryState[] FailureStates = [DeliveryState.Retrying, DeliveryState.Discarded, DeliveryState.Expired];

    public async Task<PageResult> DeliveryAsync(HttpContext context, string basePath)
    {
        var name = Query(context, "d");
        if (!IsDestination(name))
        {
            return NotFound(basePath, $"No destination is named \"{name}\".");
        }

        var destination = name!;
        var state = Enum.TryParse<DeliveryState>(Query(context, "state"), out var s) && s != DeliveryState.Delivered ? s : (DeliveryState?)null;
        var reason = Enum.TryParse<OutcomeReason>(Query(context, "reason"), out var r) && r != OutcomeReason.None ? r : (OutcomeReason?)null;
        var search = Query(context, "q")?.Trim() ?? "";
        var period = Periods.FirstOrDefault(p => p.Key == Query(context, "period"));
        period = period.Key is null ? Periods[1] : period;
        var pageNumber = int.TryParse(Query(context, "page"), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : 1;

        var now = time.GetUtcNow();
        var latest = DashboardRecords.Latest(await RecordsAsync(destination, context.RequestAborted).ConfigureAwait(false));
        var failures = latest.Where(x => x.State != DeliveryState.Delivered
                && (state is null || x.State == state)
                && (reason is null || x.Reason == reason)
                && (search.Length == 0 || x.MessageId.Contains(search, StringComparison.OrdinalIgnoreCase)))
            .ToList();
        var pageSize = Options.PageSize;
        var pages = Math.Max(1, (failures.Count + pageSize - 1) / pageSize);
        pageNumber = Math.Min(pageNumber, pages);

        var html = Layout.Page(basePath, "Event Delivery: " + destination, page =>
        {
            Totals(page, destination);
            PeriodCounts(page, basePath, destination, latest, period, now);

            page.Element("h2", "Failures");
            Filters(page, basePath, destination, state, reason, search, period.Key);
            page.Open("p", ("class", "muted")).Text($"{failures.Count:N0} matching of the {latest.Count:N0} most recent events kept · newest first · page {pageNumber} of {pages}").Close("p");
            FailureTable(page, basePath, failures.Skip((pageNumber - 1) * pageSize).Take(pageSize));
            Pager(page, context, pageNumber, pages);
        });
        return new PageResult(StatusCodes.Status200OK, html);
    }

    private void Totals(Html page, string destination)
    {
        var counts = functions.GetCounts(destination);
        var status = functions.GetStatus(destination);
        page.Element("h2", "Since the host started")
            .Markup("<table class=\"totals\"><thead><tr><th>Outcome</th><th>Reason</th><th class=\"num\">Events</th></tr></thead><tbody>");
        Row(page, "Delivered", "", counts.Delivered);
        foreach (var (reason, count) in counts.Discarded.OrderByDescending(p => p.Value))
        {
            Row(page, "Discarded", reason.ToDisplayText(), count);
        }

        Row(page, "Expired", "Retry window ran out", counts.Expired);
        Row(page, "Waiting for retry", "", status.WaitingForRetry);
        Row(page, "Queued / in flight", "", status.Queued + status.InFlight);
        page.Markup("</tbody></table>");
    }

    private static void Row(Html page, string outcome, string reason, long count) =>
        page.Markup("<tr>").Element("td", outcome).Element("td", reason).Open("td", ("class", "num")).Number(count).Close("td").Markup("</tr>");

    private static void PeriodCounts(Html page, string basePath, string destination, List<DeliveryRecord> latest, (string Key, string Label, TimeSpan? Span) period, DateTimeOffset now)
    {
        var since = period.Span is { } span ? now - span : DateTimeOffset.MinValue;
        var groups = latest.Where(x => x.LastAttemptAt >= since)
            .GroupBy(x => (x.State, x.Reason))
            .OrderBy(g => g.Key.State).ThenByDescending(g => g.Count());
        page.Open("h2").Text("By reason: " + period.Label).Close("h2").Open("p", ("class", "muted"));
        foreach (var p in Periods)
        {
            page.Link($"{Layout.Delivery(basePath, destination)}&period={p.Key}", p.Label).Markup(" ");
        }

        page.Close("p").Markup("<table class=\"period\"><thead><tr><th>Latest state</th><th>Reason</th><th class=\"num\">Events</th></tr></thead><tbody>");
        foreach (var group in groups)
        {
            Row(page, group.Key.State.ToString(), group.Key.State == DeliveryState.Delivered ? "" : group.Key.Reason.ToDisplayText(), group.Count());
        }

        page.Markup("</tbody></table>");
    }

    private static void Filters(Html page, string basePath, string destination, DeliveryState? state, OutcomeReason? reason, string search, string period)
    {
        page.Open("form", ("class", "filters"), ("method", "get"), ("action", basePath + "/delivery"))
            .Open("input", ("type", "hidden"), ("name", "d"), ("value", destination))
            .Open("input", ("type", "hidden"), ("name", "period"), ("value", period))
            .Open("div").Element("label", "State", ("for", "state")).Open("select", ("id", "state"), ("name", "state"))
            .Element("option", "All failures", ("value", ""));
        foreach (var s in FailureStates)
        {
            page.Element("option", s.ToString(), ("value", s.ToString()), ("selected", s == state ? "selected" : null));
        }

        page.Close("select").Close("div")
            .Open("div").Element("label", "Reason", ("for", "reason")).Open("select", ("id", "reason"), ("name", "reason"))
            .Element("option", "Any reason", ("value", ""));
        foreach (var r in Enum.GetValues<OutcomeReason>().Where(r => r != OutcomeReason.None))
        {
            page.Element("option", r.ToDisplayText(), ("value", r.ToString()), ("selected", r == reason ? "selected" : null));
        }

        page.Close("select").Close("div")
            .Open("div").Element("label", "messageId", ("for", "q")).Open("input", ("id", "q"), ("name", "q"), ("type", "search"), ("value", search), ("placeholder", "search by messageId")).Close("div")
            .Markup("<button type=\"submit\">Filter</button></form>");
    }

    private static void FailureTable(Html page, string basePath, IEnumerable<DeliveryRecord> failures)
    {
        page.Markup("<table class=\"failures\"><thead><tr><th>Last attempt</th><th>messageId</th><th>Type</th><th>State</th><th>Reason</th><th class=\"num\">Attempts</th><th>Next attempt</th><th>Error</th></tr></thead><tbody>");
        foreach (var record in failures)
        {
            var error = record.Error?.ToString() ?? "";
            page.Markup("<tr>").Element("td", Html.Time(record.LastAttemptAt))
                .Open("td").Link(Layout.Event(basePath, record.Destination, record.Sequence), record.MessageId.Length > 0 ? record.MessageId : $"(no messageId) #{record.Sequence}").Close("td")
                .Element("td", record.EventType)
                .Open("td").Element("span", record.State.ToString(), ("class", "badge " + record.State.ToString().ToLowerInvariant())).Close("td")
                .Element("td", record.Reason.ToDisplayText())
                .Open("td", ("class", "num")).Number(record.Attempts).Close("td")
                .Element("td", record.NextAttemptAt is { } next ? Html.Time(next) : "", ("class", "next-attempt"))
                .Element("td", error.Length > 160 ? error[..160] + "…" : error)
                .Markup("</tr>");
        }

        page.Markup("</tbody></table>");
    }

    private static void Pager(Html page, HttpContext context, int pageNumber, int pages)
    {
        page.Markup("<p class=\"pager\">");
        if (pageNumber > 1)
        {
            page.Link(PageLink(context, pageNumber - 1), "← Newer");
        }

        if (pageNumber < pages)
        {
            page.Link(PageLink(context, pageNumber + 1), "Older →");
        }

        page.Markup("</p>");
    }

    private static string PageLink(HttpContext context, int pageNumber)
    {
        var query = context.Request.Query.Where(p => p.Key != "page")
            .Select(p => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(p.Value.ToString())}")
            .Append($"page={pageNumber.ToString(CultureInfo.InvariantCulture)}");
        return $"{context.Request.PathBase}{context.Request.Path}?{string.Join("&", query)}";
    }
}
