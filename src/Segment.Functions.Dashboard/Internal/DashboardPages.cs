using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Segment.Functions.Delivery;
using Segment.Functions.Hosting;

namespace Segment.Functions.Dashboard.Internal;

/// <summary>What a page answers: a status and the whole HTML document.</summary>
internal readonly record struct PageResult(int Status, string Html);

/// <summary>
/// The dashboard's pages over the core's public API: <see cref="ISegmentFunctions"/> for the
/// destinations and what they hold, <see cref="IDeliveryStore"/> for records and counts, health checks
/// for health, <see cref="IDestinationTester"/> for the Test panel. Every request passes the
/// local-or-policy check first; every POST passes antiforgery too.
/// </summary>
internal sealed partial class DashboardPages(
    ISegmentFunctions functions,
    IDeliveryStore store,
    IDestinationTester tester,
    IAntiforgery antiforgery,
    TimeProvider time,
    IOptions<SegmentFunctionsDashboardOptions> options,
    IServiceProvider services)
{
    private static readonly Lazy<byte[]> Stylesheet = new(static () =>
    {
        using var stream = typeof(DashboardPages).Assembly.GetManifestResourceStream("Segment.Functions.Dashboard.dashboard.css")
            ?? throw new InvalidOperationException("The dashboard's stylesheet is missing from its assembly.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    });

    private SegmentFunctionsDashboardOptions Options => options.Value;

    /// <summary>A GET page under <paramref name="prefix"/>.</summary>
    public RequestDelegate Get(string prefix, Func<HttpContext, string, Task<PageResult>> page) => async context =>
    {
        if (await RefuseAsync(context).ConfigureAwait(false))
        {
            return;
        }

        var result = await page(context, BasePath(context, prefix)).ConfigureAwait(false);
        await WriteAsync(context, result).ConfigureAwait(false);
    };

    /// <summary>A POST action: refused (400) without a valid antiforgery token, before anything runs.</summary>
    public RequestDelegate Post(string prefix, Func<HttpContext, IFormCollection, string, Task<PageResult>> action) => async context =>
    {
        if (await RefuseAsync(context).ConfigureAwait(false))
        {
            return;
        }

        var basePath = BasePath(context, prefix);
        try
        {
            await antiforgery.ValidateRequestAsync(context).ConfigureAwait(false);
        }
        catch (AntiforgeryValidationException)
        {
            await WriteAsync(context, new PageResult(StatusCodes.Status400BadRequest, Layout.Page(basePath, "Form refused", html => html
                .Element("p", "The form's antiforgery token is missing or invalid, so nothing was run. Reload the page and submit the form again.", ("class", "error"))))).ConfigureAwait(false);
            return;
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
        var result = await action(context, form, basePath).ConfigureAwait(false);
        await WriteAsync(context, result).ConfigureAwait(false);
    };

    /// <summary>The embedded stylesheet, cacheable.</summary>
    public RequestDelegate StylesheetAsset() => async context =>
    {
        if (await RefuseAsync(context).ConfigureAwait(false))
        {
            return;
        }

        context.Response.ContentType = "text/css; charset=utf-8";
        context.Response.Headers.CacheControl = "public, max-age=3600";
        context.Response.Headers.XContentTypeOptions = "nosniff";
        await context.Response.Body.WriteAsync(Stylesheet.Value, context.RequestAborted).ConfigureAwait(false);
    };

    private static string BasePath(HttpContext context, string prefix) => context.Request.PathBase.Add(new PathString(prefix)).Value!.TrimEnd('/');

    private static async Task<bool> RefuseAsync(HttpContext context)
    {
        if (LocalRequests.IsAllowed(context))
        {
            return false;
        }

        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync(LocalRequests.Refusal, context.RequestAborted).ConfigureAwait(false);
        return true;
    }

    private static Task WriteAsync(HttpContext context, PageResult result)
    {
        var response = context.Response;
        response.StatusCode = result.Status;
        response.ContentType = "text/html; charset=utf-8";
        response.Headers.ContentSecurityPolicy = DashboardConstants.ContentSecurityPolicy;
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers.XFrameOptions = "DENY";
        response.Headers["Referrer-Policy"] = "no-referrer";
        response.Headers.CacheControl = "no-store";
        return response.WriteAsync(result.Html, context.RequestAborted);
    }

    private bool IsDestination(string? name) => name is not null && functions.Destinations.Contains(name, StringComparer.Ordinal);

    private PageResult NotFound(string basePath, string message) =>
        new(StatusCodes.Status404NotFound, Layout.Page(basePath, "Not found", html => html.Element("p", message, ("class", "error")).Link(basePath + "/", "Back to the overview")));

    // The store filters nothing here: the pages need each event's latest record, which only the whole recent list tells.
    private async Task<IReadOnlyList<DeliveryRecord>> RecordsAsync(string destination, CancellationToken cancellationToken) =>
        await store.QueryAsync(new DeliveryQuery(destination) { Limit = Options.RecordsRead }, cancellationToken).ConfigureAwait(false);

    private async Task<IReadOnlyDictionary<string, HealthReportEntry>> HealthAsync(CancellationToken cancellationToken)
    {
        // The health checks AddDestination registers, when the app's health check service is there.
        if (services.GetService<HealthCheckService>() is not { } health)
        {
            return new Dictionary<string, HealthReportEntry>();
        }

        var report = await health.CheckHealthAsync(r => r.Tags.Contains(SegmentFunctionsBuilder.HealthCheckTag), cancellationToken).ConfigureAwait(false);
        return report.Entries;
    }

    private static string? Query(HttpContext context, string name) => context.Request.Query[name] is { Count: > 0 } values ? values[0] : null;
}
