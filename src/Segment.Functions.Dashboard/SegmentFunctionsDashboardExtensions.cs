using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Segment.Functions.Dashboard;
using Segment.Functions.Dashboard.Internal;
using Segment.Functions.Hosting;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Adds and maps the delivery dashboard: overview, Event Delivery, failure pages and the Test panel.</summary>
public static class SegmentFunctionsDashboardExtensions
{
    /// <summary>The route prefix the README and the sample use.</summary>
    public const string DefaultPattern = "/functions";

    /// <summary>Registers the dashboard's services (and antiforgery, which its forms use) with default options; call <see cref="MapSegmentFunctionsDashboard"/> to map it.</summary>
    /// <param name="builder">The Segment.Functions builder.</param>
    /// <returns>The builder.</returns>
    public static SegmentFunctionsBuilder AddDashboard(this SegmentFunctionsBuilder builder) => AddDashboard(builder, static _ => { });

    /// <summary>Registers the dashboard's services (and antiforgery, which its forms use); call <see cref="MapSegmentFunctionsDashboard"/> to map it.</summary>
    /// <param name="builder">The Segment.Functions builder.</param>
    /// <param name="configure">Sets the page size, the refresh interval and how many records a page reads; checked when the host starts.</param>
    /// <returns>The builder.</returns>
    public static SegmentFunctionsBuilder AddDashboard(this SegmentFunctionsBuilder builder, Action<SegmentFunctionsDashboardOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.AddOptionsWithValidateOnStart<SegmentFunctionsDashboardOptions, SegmentFunctionsDashboardOptionsValidator>().Configure(configure);
        builder.Services.AddAntiforgery();
        builder.Services.TryAddSingleton<DashboardPages>();
        return builder;
    }

    /// <summary>
    /// Maps the dashboard under <paramref name="pattern"/>: <c>GET {pattern}/</c> (overview),
    /// <c>/delivery?d=…</c> (Event Delivery), <c>/event?d=…&amp;seq=…</c> (one event),
    /// <c>/test</c> (Test panel), the <c>POST</c> actions <c>/test</c> and <c>/resend</c>
    /// (antiforgery-protected), and the embedded stylesheet.
    /// </summary>
    /// <param name="endpoints">The app.</param>
    /// <param name="pattern">The route prefix, e.g. <c>/functions</c> (<see cref="DefaultPattern"/>).</param>
    /// <returns>
    /// The route group, for <c>.RequireAuthorization(policy)</c> and other conventions. Without an
    /// authorization policy on it, only local (loopback) requests are served: any other gets
    /// <c>403 Forbidden</c> with a message saying how to allow it.
    /// </returns>
    /// <exception cref="InvalidOperationException"><c>AddDashboard()</c> was not called on the Segment.Functions builder.</exception>
    public static RouteGroupBuilder MapSegmentFunctionsDashboard(this IEndpointRouteBuilder endpoints, string pattern = DefaultPattern)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrWhiteSpace(pattern);
        var pages = endpoints.ServiceProvider.GetService<DashboardPages>() ?? throw new InvalidOperationException(
            "The Segment.Functions dashboard is not registered: call services.AddSegmentFunctions().AddDashboard() before app.MapSegmentFunctionsDashboard(…).");

        var prefix = "/" + pattern.Trim('/');
        var group = endpoints.MapGroup(prefix);
        group.MapGet("/", pages.Get(prefix, pages.OverviewAsync));
        group.MapGet("/delivery", pages.Get(prefix, pages.DeliveryAsync));
        group.MapGet("/event", pages.Get(prefix, pages.EventAsync));
        group.MapPost("/resend", pages.Post(prefix, pages.ResendAsync));
        group.MapGet("/test", pages.Get(prefix, pages.TestPanelAsync));
        group.MapPost("/test", pages.Post(prefix, pages.RunTestAsync));
        group.MapGet("/assets/dashboard.css", pages.StylesheetAsset());
        return group;
    }
}
