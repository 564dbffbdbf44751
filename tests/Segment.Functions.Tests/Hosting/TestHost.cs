using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Segment.Functions.Delivery;
using Segment.Functions.Hosting;
using Segment.Functions.Hosting.Internal;

namespace Segment.Functions.Tests.Hosting;

/// <summary>
/// A started host on a fake clock. Waiting is on <see cref="ISegmentFunctions.WaitForIdleAsync"/>
/// (with a real-time guard so a bug fails the test instead of hanging it) and on advancing <see cref="Time"/>.
/// </summary>
internal sealed class TestHost : IAsyncDisposable
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(60);
    private bool _stopped;

    private TestHost(ServiceProvider services, FakeTimeProvider time)
    {
        Services = services;
        Time = time;
        Functions = services.GetRequiredService<ISegmentFunctions>();
        Store = services.GetRequiredService<IDeliveryStore>();
    }

    public ServiceProvider Services { get; }

    public FakeTimeProvider Time { get; }

    public ISegmentFunctions Functions { get; }

    public IDeliveryStore Store { get; }

    public static ServiceCollection CreateServices(FakeTimeProvider time, Action<SegmentFunctionsOptions>? options, Action<SegmentFunctionsBuilder> destinations)
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(time);
        destinations(services.AddSegmentFunctions(options));
        return services;
    }

    public static async Task<TestHost> StartAsync(Action<SegmentFunctionsOptions>? options, Action<SegmentFunctionsBuilder> destinations, Action<IServiceCollection>? more = null)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var services = CreateServices(time, options, destinations);
        more?.Invoke(services);
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        _ = provider.GetRequiredService<IOptions<SegmentFunctionsOptions>>().Value; // runs the validators, as the host's start does
        foreach (var hosted in provider.GetServices<IHostedService>())
        {
            await hosted.StartAsync(CancellationToken.None);
        }

        return new TestHost(provider, time);
    }

    public ValueTask<SendResult> SendJsonAsync(string json) => Functions.SendAsync(Encoding.UTF8.GetBytes(json));

    public Task SettleAsync() => Functions.WaitForIdleAsync().WaitAsync(Guard, TimeProvider.System);

    /// <summary>Settles, then advances the clock by <paramref name="step"/>, until nothing is pending anywhere.</summary>
    public async Task RunToCompletionAsync(TimeSpan step, int maxSteps = 1_000)
    {
        for (var i = 0; i < maxSteps; i++)
        {
            await SettleAsync();
            if (Functions.Destinations.All(d => Functions.GetStatus(d).Pending == 0))
            {
                return;
            }

            Time.Advance(step);
        }

        Assert.Fail($"Events were still pending after {maxSteps} steps of {step}.");
    }

    public DeliveryRecord[] Records(string destination) => Store.Recent(destination, int.MaxValue).Reverse().ToArray();

    /// <summary>
    /// Stops the host as the application would. The clock does not move by itself: a stop that drains
    /// retries falling due before its deadline waits for the test to advance <see cref="Time"/>.
    /// </summary>
    public async Task<int> StopAsync(CancellationToken cancellationToken = default)
    {
        _stopped = true;
        var host = Services.GetRequiredService<SegmentFunctionsHost>();
        return await host.StopAsync(cancellationToken).WaitAsync(Guard, TimeProvider.System);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stopped)
        {
            // Its deadline already passed: a test's leftovers (a retry due soon, a handler that hangs)
            // are reported, not waited for on a clock nobody moves.
            await StopAsync(new CancellationToken(canceled: true));
        }

        // The HttpClients' resilience pipelines, when disposed, wait on this fake clock for requests
        // still finishing (one abandoned at a timeout, say): a wait that only ends when the clock
        // moves. Move it until disposal is done; the real-time pauses only give those requests
        // their moment to end.
        var disposing = Services.DisposeAsync().AsTask();
        var deadline = TimeProvider.System.GetTimestamp();
        while (!disposing.IsCompleted && TimeProvider.System.GetElapsedTime(deadline) < Guard)
        {
            Time.Advance(TimeSpan.FromSeconds(1));
            await Task.WhenAny(disposing, Task.Delay(TimeSpan.FromMilliseconds(10), TimeProvider.System));
        }

        await disposing.WaitAsync(Guard, TimeProvider.System);
    }
}
