using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Segment.Functions;
using Segment.Functions.Caching.Internal;
using Segment.Functions.Delivery;
using Segment.Functions.Hosting;
using Segment.Functions.Hosting.Internal;
using Segment.Functions.Telemetry.Internal;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Segment.Functions host.</summary>
public static class SegmentFunctionsServiceCollectionExtensions
{
    /// <summary>
    /// Adds the host that runs destination functions: <see cref="ISegmentFunctions"/> to send events,
    /// <see cref="IDeliveryStore"/> to read delivery records (in memory unless you register your own),
    /// a hosted service that starts and drains the destinations, metrics, traces and health checks.
    /// Safe to call more than once: services are added once, and every <paramref name="configure"/> applies.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets options; they are checked when the host starts.</param>
    /// <returns>A builder to add destinations with.</returns>
    public static SegmentFunctionsBuilder AddSegmentFunctions(this IServiceCollection services, Action<SegmentFunctionsOptions>? configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        // The declared limits (generated from the attributes) and the rules spanning two fields, checked when the host starts.
        services.AddOptionsWithValidateOnStart<SegmentFunctionsOptions, SegmentFunctionsOptionsValidator>();
        var optionsBuilder = services.AddOptionsWithValidateOnStart<SegmentFunctionsOptions, SegmentFunctionsOptionsCustomValidator>();
        if (configure is not null)
        {
            optionsBuilder.Configure(configure);
        }

        services.TryAddSingleton(TimeProvider.System);
        services.AddLogging();
        services.AddMetrics();
        services.AddHttpClient();
        services.TryAddSingleton<SegmentFunctionsTelemetry>();
        services.TryAddSingleton(static sp => new FunctionCacheFactory(
            sp.GetRequiredService<IOptions<SegmentFunctionsOptions>>().Value.Cache, sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<IDeliveryStore>(static sp => new InMemoryDeliveryStore(
            sp.GetRequiredService<IOptions<SegmentFunctionsOptions>>().Value.DeliveryRecordsPerDestination));
        services.TryAddSingleton<SegmentFunctionsHost>();
        services.TryAddSingleton<ISegmentFunctions>(static sp => sp.GetRequiredService<SegmentFunctionsHost>());
        services.TryAddSingleton<IDestinationTester>(static sp => sp.GetRequiredService<SegmentFunctionsHost>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, SegmentFunctionsHostedService>());

        var registry = services.FirstOrDefault(d => d.ServiceType == typeof(DestinationRegistry))?.ImplementationInstance as DestinationRegistry;
        if (registry is null)
        {
            registry = new DestinationRegistry();
            services.AddSingleton(registry);
        }

        return new SegmentFunctionsBuilder(services, registry);
    }

    /// <summary>Adds the host with default options; see <see cref="AddSegmentFunctions(IServiceCollection, Action{SegmentFunctionsOptions}?)"/>.</summary>
    /// <param name="services">The service collection.</param>
    /// <returns>A builder to add destinations with.</returns>
    public static SegmentFunctionsBuilder AddSegmentFunctions(this IServiceCollection services) => AddSegmentFunctions(services, configure: null);

    /// <summary>Adds the host with its options bound from a configuration section (e.g. <c>"SegmentFunctions"</c>).</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The section; keys are option names, e.g. <c>QueueCapacity</c>, <c>Batching:MaxSize</c>.</param>
    /// <returns>A builder to add destinations with.</returns>
    public static SegmentFunctionsBuilder AddSegmentFunctions(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var builder = services.AddSegmentFunctions();
        services.Configure<SegmentFunctionsOptions>(configuration);
        return builder;
    }
}
