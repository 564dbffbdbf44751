using System.Text;
using Microsoft.AspNetCore.Http;
using Segment.Functions.Hosting;

namespace Segment.Functions.Dashboard.Internal;

/// <summary>
/// The Test panel: a destination, a sample or pasted JSON, run now through the destination's
/// function (<see cref="IDestinationTester"/>): outcome, reason, error, logs, requests; no record.
/// </summary>
internal sealed partial class DashboardPages
{
    public Task<PageResult> TestPanelAsync(HttpContext context, string basePath)
    {
        var destination = Query(context, "d");
        destination = IsDestination(destination) ? destination : functions.Destinations.FirstOrDefault();
        var sample = Query(context, "sample") ?? "track";
        return Task.FromResult(new PageResult(StatusCodes.Status200OK, TestPage(context, basePath, destination, sample, SampleEvents.For(sample), run: null, error: null)));
    }

    public async Task<PageResult> RunTestAsync(HttpContext context, IFormCollection form, string basePath)
    {
        var destination = form["d"].ToString();
        var json = form["json"].ToString();
        if (!IsDestination(destination))
        {
            return new PageResult(StatusCodes.Status400BadRequest, TestPage(context, basePath, functions.Destinations.FirstOrDefault(), null, json, null, $"No destination is named \"{destination}\"."));
        }

        var run = await tester.TestAsync(destination, Encoding.UTF8.GetBytes(json), context.RequestAborted).ConfigureAwait(false);
        return new PageResult(StatusCodes.Status200OK, TestPage(context, basePath, destination, null, json, run, null));
    }

    private string TestPage(HttpContext context, string basePath, string? destination, string? sample, string json, TestRun? run, string? error)
    {
        var tokens = antiforgery.GetAndStoreTokens(context);
        return Layout.Page(basePath, "Test", page =>
        {
            page.Element("p", "Runs an event through a destination's function now, for real: its requests go out. Nothing is recorded in Event Delivery.", ("class", "muted"));
            if (error is not null)
            {
                page.Element("p", error, ("class", "error"));
            }

            // Picking a sample is a GET that fills the editor on the server: no script needed.
            page.Open("form", ("class", "filters"), ("method", "get"), ("action", basePath + "/test"));
            DestinationSelect(page, "sample-d", destination);
            page.Open("div").Element("label", "Sample event", ("for", "sample")).Open("select", ("id", "sample"), ("name", "sample"));
            foreach (var (key, _) in SampleEvents.All)
            {
                page.Element("option", key, ("value", key), ("selected", key == sample ? "selected" : null));
            }

            page.Close("select").Close("div").Markup("<button type=\"submit\" class=\"secondary\">Load sample</button></form>");

            page.Open("form", ("method", "post"), ("action", basePath + "/test"), ("class", "run"))
                .Antiforgery(tokens.FormFieldName, tokens.RequestToken);
            page.Open("div", ("class", "filters"));
            DestinationSelect(page, "d", destination);
            page.Close("div")
                .Element("label", "Event JSON (one event, or an array for OnBatch)", ("for", "json"))
                .Element("textarea", json, ("id", "json"), ("name", "json"), ("spellcheck", "false"))
                .Markup("<p><button type=\"submit\" id=\"run\">Run test</button></p></form>");

            if (run is not null)
            {
                Result(page, run);
            }
        });
    }

    private void DestinationSelect(Html page, string id, string? selected)
    {
        page.Open("div").Element("label", "Destination", ("for", id)).Open("select", ("id", id), ("name", "d"));
        foreach (var name in functions.Destinations)
        {
            page.Element("option", name, ("value", name), ("selected", name == selected ? "selected" : null));
        }

        page.Close("select").Close("div");
    }

    private static void Result(Html page, TestRun run)
    {
        var kind = run.Summary.Kind.ToString();
        page.Open("section", ("class", "card result"), ("id", "result"))
            .Open("h2").Text("Outcome ").Element("span", kind, ("class", "badge outcome " + (run.Summary.Kind == OutcomeKind.Retry ? "retrying" : kind.ToLowerInvariant()))).Close("h2")
            .Open("p", ("class", "reason")).Text(run.Summary.Kind == OutcomeKind.Delivered ? "Delivered" : run.Summary.Reason.ToDisplayText())
            .Text($" · {Html.Duration(run.Duration)} on {run.Destination}").Close("p");
        if (run.Summary.Error is { } error)
        {
            page.Element("h3", "Error").Open("pre", ("class", "error-text")).Text(error.ToString()).Close("pre");
        }

        if (run.Outcomes.Count > 1)
        {
            page.Element("h3", "Per event").Markup("<table class=\"outcomes\"><thead><tr><th>#</th><th>Outcome</th><th>Reason</th><th>Error</th></tr></thead><tbody>");
            for (var i = 0; i < run.Outcomes.Count; i++)
            {
                var outcome = run.Outcomes[i];
                page.Markup("<tr>").Element("td", i.ToString(System.Globalization.CultureInfo.InvariantCulture)).Element("td", outcome.Kind.ToString())
                    .Element("td", outcome.Kind == OutcomeKind.Delivered ? "" : outcome.Reason.ToDisplayText()).Element("td", outcome.Error?.ToString()).Markup("</tr>");
            }

            page.Markup("</tbody></table>");
        }

        page.Element("h3", "Logs").Open("pre", ("class", "logs")).Text(run.Logs.Length > 0 ? run.Logs : "(no logs)").Close("pre")
            .Element("h3", $"HTTP requests ({run.Requests.Count})");
        foreach (var trace in run.Requests)
        {
            Trace(page, trace);
        }

        page.Close("section");
    }
}
