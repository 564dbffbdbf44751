using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Segment.Functions.JavaScript.Tests.Hosting;

/// <summary>A started host on a fake clock and a fake network, with real-time guards so a bug fails instead of hanging.</summary>
internal sealed class JsTestHost : IAsyncDisposable
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(60);

    private JsTestHost(ServiceProvider services, FakeTimeProvider time, FakeHttpHandler api)
    {
        Services = services;
        Time = time;
        Api = api;
        Functions = services.GetRequiredService<ISegmentFunctions>();
        Store = services.GetRequiredService<IDeliveryStore>();
    }

    public ServiceProvider Services { get; }

    public FakeTimeProvider Time { get; }

    public FakeHttpHandler Api { get; }

    public ISegmentFunctions Functions { get; }

    public IDeliveryStore Store { get; }

    public static async Task<JsTestHost> StartAsync(Action<SegmentFunctionsOptions>? options, Action<SegmentFunctionsBuilder> destinations, Action<FakeHttpHandler>? api = null)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var fake = new FakeHttpHandler();
        api?.Invoke(fake);
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(time);
        services.ConfigureHttpClientDefaults(http => http.ConfigurePrimaryHttpMessageHandler(() => fake));
        destinations(services.AddSegmentFunctions(options));
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        _ = provider.GetRequiredService<IOptions<SegmentFunctionsOptions>>().Value;
        foreach (var hosted in provider.GetServices<IHostedService>())
        {
            await hosted.StartAsync(CancellationToken.None);
        }

        return new JsTestHost(provider, time, fake);
    }

    public ValueTask<SendResult> SendJsonAsync(string json) => Functions.SendAsync(Encoding.UTF8.GetBytes(json));

    public Task SettleAsync() => Functions.WaitForIdleAsync().WaitAsync(Guard, TimeProvider.System);

    public DeliveryRecord[] Records(string destination) => Store.Recent(destination, int.MaxValue).Reverse().ToArray();

    public async ValueTask DisposeAsync()
    {
        // Stopping waits for invocations in flight (one may await a request that only the invocation
        // timeout ends), and the HttpClients' resilience pipelines, when disposed, wait for requests
        // abandoned at a timeout: both on the fake clock. Keep it moving until each is done (as the
        // core's TestHost does for disposal).
        foreach (var hosted in Services.GetServices<IHostedService>().Reverse())
        {
            await WhileTheClockMovesAsync(hosted.StopAsync(CancellationToken.None));
        }

        await WhileTheClockMovesAsync(Services.DisposeAsync().AsTask());
    }

    private async Task WhileTheClockMovesAsync(Task task)
    {
        var started = TimeProvider.System.GetTimestamp();
        while (!task.IsCompleted && TimeProvider.System.GetElapsedTime(started) < Guard)
        {
            Time.Advance(TimeSpan.FromSeconds(1));
            await Task.WhenAny(task, Task.Delay(TimeSpan.FromMilliseconds(10), TimeProvider.System));
        }

        await task.WaitAsync(Guard, TimeProvider.System);
    }
}
