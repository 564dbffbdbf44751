using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;
using Segment.Functions.Delivery;
using Segment.Functions.Hosting;
using Segment.Functions.Hosting.Internal;

namespace Segment.Functions.PostgreSql.Tests.Hosting;

/// <summary>
/// A host on PostgreSQL started the way an application starts it (its hosted services), on the clock a
/// test gives it. Several can share one schema, as instances of one application do.
/// </summary>
internal sealed class DurableHost : IAsyncDisposable
{
    /// <summary>Bounds every real-time wait of a test.</summary>
    public static readonly TimeSpan Guard = TimeSpan.FromSeconds(60);

    private bool _stopped;

    private DurableHost(ServiceProvider services)
    {
        Services = services;
        Functions = services.GetRequiredService<ISegmentFunctions>();
        Store = services.GetRequiredService<IDeliveryStore>();
    }

    public ServiceProvider Services { get; }

    public ISegmentFunctions Functions { get; }

    public IDeliveryStore Store { get; }

    public static async Task<DurableHost> StartAsync(
        NpgsqlDataSource dataSource,
        string schema,
        string instanceId,
        TimeProvider time,
        Action<SegmentFunctionsBuilder> destinations,
        Action<SegmentFunctionsOptions>? options = null,
        Action<PostgreSqlOptions>? storage = null,
        Action<IServiceCollection>? more = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton(time);
        var builder = services.AddSegmentFunctions(o =>
        {
            o.Retry.InitialDelay = TimeSpan.FromMilliseconds(20);
            o.Retry.MaxDelay = TimeSpan.FromMilliseconds(200);
            options?.Invoke(o);
        });
        destinations(builder);
        builder.UsePostgreSql(dataSource, o =>
        {
            o.Schema = schema;
            o.InstanceId = instanceId;
            o.PollInterval = TimeSpan.FromMilliseconds(100);
            storage?.Invoke(o);
        });
        more?.Invoke(services);
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        _ = provider.GetRequiredService<IOptions<SegmentFunctionsOptions>>().Value;
        foreach (var hosted in provider.GetServices<IHostedService>())
        {
            await hosted.StartAsync(CancellationToken.None).WaitAsync(Guard);
        }

        return new DurableHost(provider);
    }

    /// <summary>Waits (bounded) until nothing is left to deliver on any instance.</summary>
    public Task WaitForCompletionAsync() => Functions.WaitForCompletionAsync().WaitAsync(Guard);

    /// <summary>Stops as the application would (the deadline is the host's ShutdownTimeout).</summary>
    public async Task<int> StopAsync(CancellationToken cancellationToken = default)
    {
        _stopped = true;
        return await Services.GetRequiredService<SegmentFunctionsHost>().StopAsync(cancellationToken).WaitAsync(Guard);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stopped)
        {
            await StopAsync(new CancellationToken(canceled: true));
        }

        await Services.DisposeAsync();
    }
}
