using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Segment.Functions.Delivery;
using Segment.Functions.Delivery.Internal;
using Segment.Functions.Hosting.Internal;
using Segment.Functions.Http.Internal;

namespace Segment.Functions.Hosting;

/// <summary>Registers destinations on the host that <c>AddSegmentFunctions</c> added.</summary>
/// <example>
/// <code>
/// services.AddSegmentFunctions(options => options.Batching.MaxSize = 100)
///     .AddDestination&lt;AcmeFunction, AcmeSettings&gt;("Acme (EU)", settings => { settings.ApiKey = "…"; settings.Endpoint = "https://eu.acme.test"; })
///     .AddDestination&lt;AcmeFunction, AcmeSettings&gt;("Acme (US)", configuration.GetSection("Destinations:AcmeUs"));
/// </code>
/// </example>
public sealed class SegmentFunctionsBuilder
{
    /// <summary>The tag of every destination health check.</summary>
    public const string HealthCheckTag = "segment-functions";

    private readonly DestinationRegistry _registry;

    internal SegmentFunctionsBuilder(IServiceCollection services, DestinationRegistry registry)
    {
        Services = services;
        _registry = registry;
    }

    /// <summary>The service collection, to register more services.</summary>
    public IServiceCollection Services { get; }

    /// <summary>The name of a destination's <see cref="HttpClient"/> in <see cref="IHttpClientFactory"/>, e.g. to change its primary handler.</summary>
    /// <remarks>
    /// The client writes no log lines of its own (IHttpClientFactory's loggers are removed) and, on a
    /// <see cref="SocketsHttpHandler"/> or the default handler, emits no System.Net.Http activity and
    /// sends no trace headers: those would show the request's URL and headers, secrets included.
    /// A primary handler of another kind that you set yourself is left as you configured it.
    /// </remarks>
    /// <param name="destination">The destination's name.</param>
    public static string HttpClientName(string destination) => $"Segment.Functions:{destination}";

    /// <summary>The name of a destination's health check.</summary>
    /// <param name="destination">The destination's name.</param>
    public static string HealthCheckName(string destination) => $"segment-functions:{destination}";

    /// <summary>Adds a destination: one instance of <typeparamref name="TFunction"/> with settings set in code.</summary>
    /// <typeparam name="TFunction">The function class; its constructor's parameters are resolved from DI.</typeparam>
    /// <typeparam name="TSettings">Its settings class.</typeparam>
    /// <param name="name">The destination's name, unique; also the key of the <c>integrations</c> object that turns it on or off.</param>
    /// <param name="configureSettings">Sets the settings. They are checked when the host starts.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentException">The name is empty, reserved, or already used.</exception>
    public SegmentFunctionsBuilder AddDestination<TFunction, TSettings>(string name, Action<TSettings> configureSettings)
        where TFunction : class, IDestinationFunction<TSettings>
        where TSettings : class, new() => AddDestination<TFunction, TSettings>(name, configureSettings, configureDestination: null);

    /// <summary>Adds a destination: one instance of <typeparamref name="TFunction"/> with settings set in code.</summary>
    /// <typeparam name="TFunction">The function class; its constructor's parameters are resolved from DI.</typeparam>
    /// <typeparam name="TSettings">Its settings class.</typeparam>
    /// <param name="name">The destination's name, unique; also the key of the <c>integrations</c> object that turns it on or off.</param>
    /// <param name="configureSettings">Sets the settings. They are checked when the host starts.</param>
    /// <param name="configureDestination">Sets a filter and other per-destination choices.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentException">The name is empty, reserved, or already used.</exception>
    public SegmentFunctionsBuilder AddDestination<TFunction, TSettings>(string name, Action<TSettings> configureSettings, Action<DestinationOptions>? configureDestination)
        where TFunction : class, IDestinationFunction<TSettings>
        where TSettings : class, new()
    {
        ArgumentNullException.ThrowIfNull(configureSettings);
        return Add<TFunction, TSettings>(name, configureDestination, _ =>
        {
            var settings = new TSettings();
            configureSettings(settings);
            return settings;
        });
    }

    /// <summary>Adds a destination whose settings are bound from a configuration section (property names as keys).</summary>
    /// <typeparam name="TFunction">The function class; its constructor's parameters are resolved from DI.</typeparam>
    /// <typeparam name="TSettings">Its settings class.</typeparam>
    /// <param name="name">The destination's name, unique.</param>
    /// <param name="settings">The section holding the settings, e.g. <c>configuration.GetSection("Destinations:Acme")</c>.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentException">The name is empty, reserved, or already used.</exception>
    public SegmentFunctionsBuilder AddDestination<TFunction, TSettings>(string name, IConfiguration settings)
        where TFunction : class, IDestinationFunction<TSettings>
        where TSettings : class, new() => AddDestination<TFunction, TSettings>(name, settings, configureDestination: null);

    /// <summary>Adds a destination whose settings are bound from a configuration section (property names as keys).</summary>
    /// <typeparam name="TFunction">The function class; its constructor's parameters are resolved from DI.</typeparam>
    /// <typeparam name="TSettings">Its settings class.</typeparam>
    /// <param name="name">The destination's name, unique.</param>
    /// <param name="settings">The section holding the settings, e.g. <c>configuration.GetSection("Destinations:Acme")</c>.</param>
    /// <param name="configureDestination">Sets a filter and other per-destination choices.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentException">The name is empty, reserved, or already used.</exception>
    public SegmentFunctionsBuilder AddDestination<TFunction, TSettings>(string name, IConfiguration settings, Action<DestinationOptions>? configureDestination)
        where TFunction : class, IDestinationFunction<TSettings>
        where TSettings : class, new()
    {
        ArgumentNullException.ThrowIfNull(settings);
        return Add<TFunction, TSettings>(name, configureDestination, _ => settings.Get<TSettings>() ?? new TSettings());
    }

    /// <summary>Adds a destination whose function takes untyped settings (a <see cref="DestinationFunction"/>, or any <see cref="IDestinationFunction{TSettings}"/> of <see cref="FunctionSettings"/>).</summary>
    /// <typeparam name="TFunction">The function class.</typeparam>
    /// <param name="name">The destination's name, unique.</param>
    /// <param name="settings">The settings; mark secrets with <c>encrypted: true</c>.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentException">The name is empty, reserved, or already used.</exception>
    public SegmentFunctionsBuilder AddDestination<TFunction>(string name, FunctionSettings settings)
        where TFunction : class, IDestinationFunction<FunctionSettings> => AddDestination<TFunction>(name, settings, configureDestination: null);

    /// <summary>Adds a destination whose function takes untyped settings (a <see cref="DestinationFunction"/>, or any <see cref="IDestinationFunction{TSettings}"/> of <see cref="FunctionSettings"/>).</summary>
    /// <typeparam name="TFunction">The function class.</typeparam>
    /// <param name="name">The destination's name, unique.</param>
    /// <param name="settings">The settings; mark secrets with <c>encrypted: true</c>.</param>
    /// <param name="configureDestination">Sets a filter and other per-destination choices.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentException">The name is empty, reserved, or already used.</exception>
    public SegmentFunctionsBuilder AddDestination<TFunction>(string name, FunctionSettings settings, Action<DestinationOptions>? configureDestination)
        where TFunction : class, IDestinationFunction<FunctionSettings>
    {
        ArgumentNullException.ThrowIfNull(settings);
        return Add<TFunction, FunctionSettings>(name, configureDestination, _ => settings);
    }

    /// <summary>
    /// Adds a destination whose function instance is made by <paramref name="createFunction"/> instead of
    /// its constructor: for functions built from data, such as a script (Segment.Functions.JavaScript).
    /// </summary>
    /// <typeparam name="TFunction">The function class.</typeparam>
    /// <param name="name">The destination's name, unique.</param>
    /// <param name="settings">The settings; mark secrets with <c>encrypted: true</c>.</param>
    /// <param name="createFunction">Creates the destination's one instance when the host starts, with the host's services.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentException">The name is empty, reserved, or already used.</exception>
    public SegmentFunctionsBuilder AddDestination<TFunction>(string name, FunctionSettings settings, Func<IServiceProvider, TFunction> createFunction)
        where TFunction : class, IDestinationFunction<FunctionSettings> => AddDestination(name, settings, createFunction, configureDestination: null);

    /// <summary>
    /// Adds a destination whose function instance is made by <paramref name="createFunction"/> instead of
    /// its constructor: for functions built from data, such as a script (Segment.Functions.JavaScript).
    /// </summary>
    /// <typeparam name="TFunction">The function class.</typeparam>
    /// <param name="name">The destination's name, unique.</param>
    /// <param name="settings">The settings; mark secrets with <c>encrypted: true</c>.</param>
    /// <param name="createFunction">Creates the destination's one instance when the host starts, with the host's services.</param>
    /// <param name="configureDestination">Sets a filter and other per-destination choices.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentException">The name is empty, reserved, or already used.</exception>
    public SegmentFunctionsBuilder AddDestination<TFunction>(string name, FunctionSettings settings, Func<IServiceProvider, TFunction> createFunction, Action<DestinationOptions>? configureDestination)
        where TFunction : class, IDestinationFunction<FunctionSettings>
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(createFunction);
        return Add<TFunction, FunctionSettings>(name, configureDestination, _ => settings, createFunction);
    }

    private SegmentFunctionsBuilder Add<TFunction, TSettings>(
        string name, Action<DestinationOptions>? configureDestination, Func<IServiceProvider, TSettings> settings, Func<IServiceProvider, TFunction>? createFunction = null)
        where TFunction : class, IDestinationFunction<TSettings>
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (name == DeliveryRecord.RejectedInput)
        {
            throw new ArgumentException($"\"{name}\" is reserved for the records of rejected input; choose another destination name.", nameof(name));
        }

        var options = new DestinationOptions();
        configureDestination?.Invoke(options);
        _registry.Add(new DestinationRegistration<TFunction, TSettings>(name, options, settings, createFunction));

        // Each destination has its own client: the standard resilience handler (tuned to fit inside
        // the invocation timeout) outside, and the capture of every attempt inside it.
        Services.AddHttpClient(HttpClientName(name))
            .AddStandardResilienceHandler()
            .Configure((HttpStandardResilienceOptions resilience, IServiceProvider services) =>
            {
                FitInside(resilience, services.GetRequiredService<IOptions<SegmentFunctionsOptions>>().Value.Invocation.Timeout);
                options.ConfigureResilience?.Invoke(resilience);
            });
        Services.AddHttpClient(HttpClientName(name)).AddHttpMessageHandler(static () => new CapturingHttpHandler());
        // Its requests carry the function's secrets: keep them out of the app's logs and activities.
        QuietHttpClient.Apply(Services.AddHttpClient(HttpClientName(name)));

        Services.AddHealthChecks().Add(new HealthCheckRegistration(
            HealthCheckName(name),
            services => new DestinationHealthCheck(
                services.GetRequiredService<SegmentFunctionsHost>(), name, services.GetRequiredService<IOptions<SegmentFunctionsOptions>>().Value.Health),
            failureStatus: null,
            tags: [HealthCheckTag]));
        return this;
    }

    // The whole pipeline (its retries included) must end before the invocation times out, or the
    // invocation's own timeout would cut it off mid-retry with less information.
    internal static void FitInside(HttpStandardResilienceOptions resilience, TimeSpan invocationTimeout)
    {
        resilience.TotalRequestTimeout.Timeout = invocationTimeout;
        resilience.AttemptTimeout.Timeout = invocationTimeout / 2;
        var sampling = resilience.AttemptTimeout.Timeout * 2;
        if (resilience.CircuitBreaker.SamplingDuration < sampling)
        {
            resilience.CircuitBreaker.SamplingDuration = sampling;
        }

        if (resilience.Retry.Delay > invocationTimeout / 10)
        {
            resilience.Retry.Delay = invocationTimeout / 10;
        }
    }
}
