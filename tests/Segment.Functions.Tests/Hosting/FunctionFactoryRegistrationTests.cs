using Microsoft.Extensions.DependencyInjection;

namespace Segment.Functions.Tests.Hosting;

/// <summary><c>AddDestination(name, settings, createFunction)</c>: a destination whose function is made by a factory (a script, say).</summary>
public sealed class FunctionFactoryRegistrationTests
{
    [Test]
    public async Task AddDestination_WithAFactory_UsesTheOneInstanceItMakes_WithTheHostsServices()
    {
        var made = new List<CountingFunction>();
        await using var host = await TestHost.StartAsync(null, b => b.AddDestination(
            "Made",
            new FunctionSettings().Set("apiKey", "factory-secret", encrypted: true),
            services =>
            {
                var function = new CountingFunction(services.GetService(typeof(TimeProvider)) as TimeProvider);
                made.Add(function);
                return function;
            }));

        await host.SendJsonAsync(TestEvents.TrackJson(1));
        await host.SendJsonAsync(TestEvents.TrackJson(2));
        await host.SettleAsync();

        Assert.That(made, Has.Count.EqualTo(1));
        Assert.That(made[0].Calls, Is.EqualTo(2));
        Assert.That(made[0].Time, Is.SameAs(host.Time), "the factory gets the host's services");
        var failed = host.Records("Made").Single(r => r.Error is not null);
        Assert.That(failed.Error!.Message, Is.EqualTo("key ***"), "settings given with the factory are redacted as any");
    }

    [Test]
    public void AddDestination_WithANullFactory_Throws()
    {
        var builder = new ServiceCollection().AddSegmentFunctions();

        Assert.Throws<ArgumentNullException>(() => builder.AddDestination<CountingFunction>("X", new FunctionSettings(), (Func<IServiceProvider, CountingFunction>)null!));
    }

    public sealed class CountingFunction(TimeProvider? time) : DestinationFunction
    {
        private int _calls;

        public TimeProvider? Time { get; } = time;

        public int Calls => _calls;

        public override Task OnTrack(TrackEvent @event, FunctionSettings settings, CancellationToken cancellationToken) =>
            Interlocked.Increment(ref _calls) == 1
                ? Task.FromException(new ValidationError("key " + settings.GetString("apiKey")))
                : Task.CompletedTask;
    }
}
