using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Segment.Functions;
using Segment.Functions.AspNetCore;
using Segment.Functions.AspNetCore.Internal;
using Segment.Functions.Hosting;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Adds and maps the HTTP ingestion endpoint compatible with Segment's Tracking API.</summary>
public static class SegmentIngestionExtensions
{
    private static readonly (string Path, string? Type)[] Routes =
    [
        ("identify", "identify"), ("track", "track"), ("page", "page"), ("screen", "screen"), ("group", "group"), ("alias", "alias"),
        ("batch", null), ("import", null),
        // The browser SDK's short paths.
        ("i", "identify"), ("t", "track"), ("p", "page"), ("s", "screen"), ("g", "group"), ("a", "alias"), ("b", null),
    ];

    /// <summary>Registers the ingestion endpoint's services with default options (no write key: open to anyone who can reach it); call <see cref="MapSegmentIngestion(IEndpointRouteBuilder)"/> to map it.</summary>
    /// <param name="builder">The Segment.Functions builder.</param>
    /// <returns>The builder.</returns>
    public static SegmentFunctionsBuilder AddIngestion(this SegmentFunctionsBuilder builder) => AddIngestion(builder, static _ => { });

    /// <summary>Registers the ingestion endpoint's services and options; call <see cref="MapSegmentIngestion(IEndpointRouteBuilder)"/> to map it.</summary>
    /// <param name="builder">The Segment.Functions builder.</param>
    /// <param name="configure">Sets write keys, the route prefix and limits; they are checked when the host starts (or when the endpoint is mapped, if that comes first).</param>
    /// <returns>The builder.</returns>
    public static SegmentFunctionsBuilder AddIngestion(this SegmentFunctionsBuilder builder, Action<SegmentIngestionOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        // Checked when the host starts: the declared limits, and keys listed twice.
        builder.Services.AddOptionsWithValidateOnStart<SegmentIngestionOptions, SegmentIngestionOptionsValidator>();
        builder.Services.AddOptionsWithValidateOnStart<SegmentIngestionOptions, SegmentIngestionOptionsCustomValidator>().Configure(configure);

        builder.Services.TryAddSingleton<IngestionEndpoint>();
        return builder;
    }

    /// <summary>
    /// Maps <c>POST {prefix}/identify|track|page|screen|group|alias|batch|import</c> and the short
    /// paths <c>/i /t /p /s /g /a /b</c>, answering as Segment's Tracking API does: 200 when every
    /// event was taken (with the events invalid in themselves listed, if any), 400 with
    /// <c>{"code","message"}</c> for invalid JSON, an oversize body or broken framing, 401 for a
    /// missing or unknown write key, 408 for a body too slow to arrive, and 429 (503 while stopping)
    /// with <c>Retry-After</c> when the request was not taken and should be sent again. With
    /// <see cref="SegmentIngestionOptions.Cors"/> on, <c>OPTIONS</c> preflights are answered too.
    /// </summary>
    /// <param name="endpoints">The app.</param>
    /// <returns>The route group, to add authorization, rate limiting or other conventions.</returns>
    /// <remarks>The routes sit under <see cref="SegmentIngestionOptions.RoutePrefix"/> (default <c>/v1</c>).</remarks>
    public static RouteGroupBuilder MapSegmentIngestion(this IEndpointRouteBuilder endpoints) => MapSegmentIngestion(endpoints, prefix: null);

    /// <inheritdoc cref="MapSegmentIngestion(IEndpointRouteBuilder)"/>
    /// <param name="endpoints">The app.</param>
    /// <param name="prefix">The route prefix; <see cref="SegmentIngestionOptions.RoutePrefix"/> (default <c>/v1</c>) when null.</param>
    public static RouteGroupBuilder MapSegmentIngestion(this IEndpointRouteBuilder endpoints, string? prefix)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var endpoint = endpoints.ServiceProvider.GetService<IngestionEndpoint>() ?? throw new InvalidOperationException(
            "Segment ingestion is not registered: call services.AddSegmentFunctions().AddIngestion(…) before mapping it.");
        var options = endpoints.ServiceProvider.GetRequiredService<IOptions<SegmentIngestionOptions>>().Value;
        if (endpoint.IsOpen)
        {
            endpoints.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger("Segment.Functions.Ingestion")
                .LogWarning("Segment ingestion has no write keys configured: it accepts events from anyone who can reach it.");
        }

        var group = endpoints.MapGroup(prefix ?? options.RoutePrefix);
        foreach (var (path, type) in Routes)
        {
            group.MapPost("/" + path, async context =>
            {
                var result = await endpoint.HandleAsync(context, type).ConfigureAwait(false);
                await result.ExecuteAsync(context).ConfigureAwait(false);
            });
            if (endpoint.Cors.IsEnabled)
            {
                group.MapMethods("/" + path, [HttpMethods.Options], context => endpoint.Cors.Preflight(context).ExecuteAsync(context));
            }
        }

        return group;
    }
}
