using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;
using Segment.Functions.Delivery;
using Segment.Functions.Hosting;

namespace Segment.Functions.Dashboard.Internal;

/// <summary>One event at one destination: its event JSON, error, logs, HTTP traces, attempts; and "send again".</summary>
internal sealed partial class DashboardPages
{
    public async Task<PageResult> EventAsync(HttpContext context, string basePath)
    {
        var record = await FindRecordAsync(Query(context, "d"), Query(context, "seq"), context.RequestAborted).ConfigureAwait(false);
        return record is null
            ? NotFound(basePath, "That event is not among the destination's kept records (the store keeps the most recent ones).")
            : new PageResult(StatusCodes.Status200OK, EventPage(context, basePath, record, notice: null));
    }

    /// <summary>Sends an expired or discarded event again, as a new event at its destination only; the new attempt is recorded.</summary>
    public async Task<PageResult> ResendAsync(HttpContext context, IFormCollection form, string basePath)
    {
        var record = await FindRecordAsync(form["d"].ToString(), form["seq"].ToString(), context.RequestAborted).ConfigureAwait(false);
        if (record is null)
        {
            return NotFound(basePath, "That event is not among the destination's kept records.");
        }

        if (!CanResend(record))
        {
            return new PageResult(StatusCodes.Status409Conflict, EventPage(context, basePath, record, "Only an expired or discarded event with its JSON kept can be sent again."));
        }

        var result = await functions.SendAsync(Encoding.UTF8.GetBytes(record.EventJson), new SendOptions { Destinations = new HashSet<string>(StringComparer.Ordinal) { record.Destination } }, context.RequestAborted).ConfigureAwait(false);
        var notice = result.IsAccepted && result.Routed > 0
            ? $"Sent again: queued for {record.Destination} as a new attempt; its outcome appears in Event Delivery."
            : result.IsAccepted
                ? $"Not sent: {record.Destination}'s filter does not take this event now."
                : $"Not sent ({result.Status}): {result.Error}";
        return new PageResult(result.IsAccepted ? StatusCodes.Status200OK : StatusCodes.Status409Conflict, EventPage(context, basePath, record, notice));
    }

    private static bool CanResend(DeliveryRecord record) =>
        record.State is DeliveryState.Discarded or DeliveryState.Expired && record.EventJson.Length > 0;

    private async Task<DeliveryRecord?> FindRecordAsync(string? destination, string? sequence, CancellationToken cancellationToken) =>
        IsDestination(destination) && long.TryParse(sequence, NumberStyles.None, CultureInfo.InvariantCulture, out var seq)
            ? (await RecordsAsync(destination!, cancellationToken).ConfigureAwait(false)).FirstOrDefault(r => r.Sequence == seq)
            : null;

    private string EventPage(HttpContext context, string basePath, DeliveryRecord record, string? notice) =>
        Layout.Page(basePath, $"{record.Destination}: {(record.MessageId.Length > 0 ? record.MessageId : "(no messageId)")}", page =>
        {
            if (notice is not null)
            {
                page.Element("p", notice, ("class", "notice"));
            }

            page.Open("p").Link(Layout.Delivery(basePath, record.Destination), "← Event Delivery: " + record.Destination).Close("p")
                .Markup("<table class=\"facts\"><tbody>");
            Fact(page, "State", record.State.ToString());
            Fact(page, "Reason", record.State == DeliveryState.Delivered ? "" : record.Reason.ToDisplayText());
            Fact(page, "messageId", record.MessageId);
            Fact(page, "Type", record.EventType);
            Fact(page, "Attempts", record.Attempts.ToString(CultureInfo.InvariantCulture));
            Fact(page, "First attempt", Html.Time(record.FirstAttemptAt));
            Fact(page, "Last attempt", Html.Time(record.LastAttemptAt));
            if (record.State == DeliveryState.Retrying)
            {
                Fact(page, "Next attempt", record.NextAttemptAt is { } next ? Html.Time(next) : "(not kept by this store)");
            }
            page.Markup("</tbody></table>");

            if (record.Error is { } error)
            {
                page.Element("h2", "Error").Open("pre", ("class", "error-text")).Text(error.ToString()).Close("pre");
            }

            page.Element("h2", "Logs").Open("pre", ("class", "logs")).Text(record.Logs.Length > 0 ? record.Logs : "(no logs)").Close("pre");
            page.Element("h2", $"HTTP requests ({record.HttpTraces.Count}{(record.OmittedHttpTraces > 0 ? $", {record.OmittedHttpTraces} more not kept" : "")})");
            foreach (var trace in record.HttpTraces)
            {
                Trace(page, trace);
            }

            page.Element("h2", "Event").Open("pre", ("class", "event-json")).Text(record.EventJson.Length > 0 ? PrettyJson.Format(record.EventJson) : "(not kept for delivered events)").Close("pre");

            if (CanResend(record))
            {
                var tokens = antiforgery.GetAndStoreTokens(context);
                page.Open("form", ("method", "post"), ("action", basePath + "/resend"), ("class", "resend"))
                    .Antiforgery(tokens.FormFieldName, tokens.RequestToken)
                    .Open("input", ("type", "hidden"), ("name", "d"), ("value", record.Destination))
                    .Open("input", ("type", "hidden"), ("name", "seq"), ("value", record.Sequence.ToString(CultureInfo.InvariantCulture)))
                    .Markup("<button type=\"submit\">Send again</button> ")
                    .Element("span", "Queues this event again for this destination only (after the downstream is fixed); the new attempt is recorded.", ("class", "muted"))
                    .Close("form");
            }
        });

    private static void Fact(Html page, string name, string value) => page.Markup("<tr>").Element("th", name).Element("td", value).Markup("</tr>");

    private static void Trace(Html page, HttpTrace trace)
    {
        var status = trace.StatusCode is { } code ? code.ToString(CultureInfo.InvariantCulture) : trace.Error ?? "no response";
        page.Open("details", ("class", "http-trace"), ("open", "open"))
            .Element("summary", $"{trace.Method} {trace.Url} → {status} ({Html.Duration(trace.Duration)}, {Html.Time(trace.StartedAt)})")
            .Element("h3", "Request");
        Headers(page, trace.RequestHeaders);
        page.Open("pre", ("class", "request-body")).Text(trace.RequestBody is null ? "(no body)" : PrettyJson.Format(trace.RequestBody)).Close("pre")
            .Element("h3", "Response");
        if (trace.Error is not null)
        {
            page.Element("p", trace.Error, ("class", "error"));
        }

        Headers(page, trace.ResponseHeaders);
        page.Open("pre", ("class", "response-body")).Text(trace.ResponseBody is null ? "(no body)" : PrettyJson.Format(trace.ResponseBody)).Close("pre")
            .Close("details");
    }

    private static void Headers(Html page, IReadOnlyList<KeyValuePair<string, string>> headers)
    {
        if (headers.Count == 0)
        {
            return;
        }

        page.Markup("<table class=\"headers\"><tbody>");
        foreach (var (name, value) in headers)
        {
            page.Markup("<tr>").Element("th", name).Element("td", value).Markup("</tr>");
        }

        page.Markup("</tbody></table>");
    }
}
