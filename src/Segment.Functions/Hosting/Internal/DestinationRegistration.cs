using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Segment.Functions.Authoring.Internal;
using Segment.Functions.Caching.Internal;
using Segment.Functions.Dispatch.Internal;

namespace Segment.Functions.Hosting.Internal;

/// <summary>A destination as registered: its name, filter, and how to make its function and settings.</summary>
internal abstract class DestinationRegistration(string name, DestinationOptions options)
{
    public string Name { get; } = name;

    public Func<SegmentEvent, bool>? Filter { get; } = options.Filter;

    /// <summary>The name of the destination's <see cref="HttpClient"/> in <see cref="IHttpClientFactory"/>.</summary>
    public string HttpClientName => SegmentFunctionsBuilder.HttpClientName(Name);

    /// <summary>Creates the function instance and binds it to its settings and runtime services.</summary>
    public abstract BoundDestination Bind(IServiceProvider services, InvocationOptions invocation);
}

/// <summary>A destination's function, bound to its settings and runtime.</summary>
internal sealed record BoundDestination(IFunctionInvoker Invoker, object Function);

/// <inheritdoc/>
internal sealed class DestinationRegistration<TFunction, TSettings>(
    string name, DestinationOptions options, Func<IServiceProvider, TSettings> settings, Func<IServiceProvider, TFunction>? createFunction = null)
    : DestinationRegistration(name, options)
    where TFunction : class, IDestinationFunction<TSettings>
{
    public override BoundDestination Bind(IServiceProvider services, InvocationOptions invocation)
    {
        // One instance per destination: two destinations of one class keep their own "global" fields.
        var function = createFunction?.Invoke(services) ?? ActivatorUtilities.CreateInstance<TFunction>(services);
        var invoker = FunctionBinding.Bind(
            Name,
            function,
            settings(services),
            services.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName),
            services.GetRequiredService<FunctionCacheFactory>().Create(),
            services.GetRequiredService<ILoggerFactory>().CreateLogger($"Segment.Functions.Destination.{Name}"),
            invocation,
            services.GetRequiredService<TimeProvider>());
        return new BoundDestination(invoker, function);
    }
}
