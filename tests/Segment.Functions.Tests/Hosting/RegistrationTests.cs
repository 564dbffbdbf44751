using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Segment.Functions.Delivery;
using Segment.Functions.Hosting;
using Segment.Functions.Hosting.Internal;

namespace Segment.Functions.Tests.Hosting;

public sealed class RegistrationTests
{
    [Test]
    public void AddSegmentFunctions_CalledTwice_AddsEachServiceOnceAndAppliesBothConfigurations()
    {
        var services = new ServiceCollection();
        services.AddSegmentFunctions(o => o.QueueCapacity = 123);
        services.AddSegmentFunctions(o => o.MaxConcurrency = 7).AddDestination<ProbeFunction, ProbeSettings>("A", _ => { });

        foreach (var type in new[] { typeof(ISegmentFunctions), typeof(IDeliveryStore), typeof(SegmentFunctionsHost), typeof(TimeProvider), typeof(DestinationRegistry) })
        {
            Assert.That(services.Count(d => d.ServiceType == type), Is.EqualTo(1), type.Name);
        }

        Assert.That(services.Count(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType == typeof(SegmentFunctionsHostedService)), Is.EqualTo(1));
        Assert.That(
            services.Where(d => d.ServiceType == typeof(IValidateOptions<SegmentFunctionsOptions>)).Select(d => d.ImplementationType),
            Is.EquivalentTo(new[] { typeof(SegmentFunctionsOptionsValidator), typeof(SegmentFunctionsOptionsCustomValidator) }),
            "the generated validator and the cross-field one, each once");
        using var provider = services.BuildServiceProvider();
        var options = provider.GetRequiredService<IOptions<SegmentFunctionsOptions>>().Value;
        Assert.That((options.QueueCapacity, options.MaxConcurrency), Is.EqualTo((123, 7)));
        Assert.That(provider.GetRequiredService<ISegmentFunctions>().Destinations, Is.EqualTo(new[] { "A" }));
    }

    [Test]
    public void AddSegmentFunctions_KeepsATimeProviderRegisteredBefore()
    {
        var time = new FakeTimeProvider();
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(time);
        services.AddSegmentFunctions();

        using var provider = services.BuildServiceProvider();
        Assert.That(provider.GetRequiredService<TimeProvider>(), Is.SameAs(time));
    }

    [Test]
    public void AddSegmentFunctions_WithoutATimeProvider_UsesTheSystemClock()
    {
        using var provider = new ServiceCollection().AddSegmentFunctions().Services.BuildServiceProvider();
        Assert.That(provider.GetRequiredService<TimeProvider>(), Is.SameAs(TimeProvider.System));
    }

    [Test]
    public void Validate_Defaults_Pass()
    {
        Assert.That(new SegmentFunctionsOptionsValidator().Validate(null, new SegmentFunctionsOptions()).Succeeded, Is.True);
    }

    [TestCase(401, "Batching.MaxSize")]
    [TestCase(0, "Batching.MaxSize")]
    public void Validate_BatchSizeOutOfRange_NamesTheOption(int size, string option)
    {
        var result = new SegmentFunctionsOptionsValidator().Validate(null, new SegmentFunctionsOptions { Batching = { MaxSize = size } });

        Assert.That(result.Failed, Is.True);
        Assert.That(result.FailureMessage, Does.Contain(option).And.Contain("400"));
    }

    [Test]
    public void Validate_WaitsPastTheirBounds_NameTheOption()
    {
        var options = new SegmentFunctionsOptions { ShutdownTimeout = TimeSpan.FromDays(60), Batching = { MaxWait = TimeSpan.FromHours(2) }, Retry = { RetryWindow = TimeSpan.FromDays(60) } };

        var result = new SegmentFunctionsOptionsValidator().Validate(null, options);

        Assert.That(result.Failures, Has.Some.Contains("ShutdownTimeout"));
        Assert.That(result.Failures, Has.Some.Contains("Batching.MaxWait"));
        Assert.That(result.Failures, Has.Some.Contains("RetryWindow"));
    }

    [Test]
    public void Validate_SeveralBadValues_ReportsEach()
    {
        var options = new SegmentFunctionsOptions { QueueCapacity = 0, MaxConcurrency = 0, Invocation = { Timeout = TimeSpan.Zero }, Retry = { InitialDelay = TimeSpan.Zero } };

        var result = new SegmentFunctionsOptionsValidator().Validate(null, options);

        Assert.That(result.Failures, Has.Some.Contains("QueueCapacity"));
        Assert.That(result.Failures, Has.Some.Contains("MaxConcurrency"));
        Assert.That(result.Failures, Has.Some.Contains("SegmentFunctionsOptions.Invocation").And.Contains("Timeout"));
        Assert.That(result.Failures, Has.Some.Contains("SegmentFunctionsOptions.Retry").And.Contains("InitialDelay"));
    }

    [Test]
    public void HostStart_InvalidOptions_FailsWithTheOptionName()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddSegmentFunctions(o => o.Batching.MaxSize = 500).AddDestination<ProbeFunction, ProbeSettings>("A", _ => { });
        using var host = builder.Build();

        var error = Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.That(error!.Message, Does.Contain("Batching.MaxSize"));
    }

    [Test]
    public void HostStart_InvalidSettings_FailsNamingDestinationAndField()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddSegmentFunctions()
            .AddDestination<ProbeFunction, ProbeSettings>("Good", _ => { })
            .AddDestination<ProbeFunction, ProbeSettings>("Broken Webhook", s => s.Endpoint = "");
        using var host = builder.Build();

        var error = Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());

        Assert.That(error!.Message, Does.Contain("Broken Webhook").And.Contain("\"endpoint\""));
        Assert.That(error.Message, Does.Not.Contain("\"Good\""));
        Assert.That(error.Message, Does.Not.Contain(ProbeSettings.Secret));
    }

    [Test]
    public async Task HostStart_ValidDestinations_RunsAndDelivers()
    {
        var probe = new Probe();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddSegmentFunctions().AddDestination<ProbeFunction, ProbeSettings>("A", s => s.Probe = probe);
        using var host = builder.Build();
        await host.StartAsync();

        var functions = host.Services.GetRequiredService<ISegmentFunctions>();
        var result = await functions.SendAsync(TestEvents.Track(1));
        await functions.WaitForIdleAsync().WaitAsync(TimeSpan.FromSeconds(30));
        await host.StopAsync();

        Assert.That(result, Is.EqualTo(new SendResult(SendStatus.Accepted, 1)));
        Assert.That(functions.GetCounts("A").Delivered, Is.EqualTo(1));
    }

    [Test]
    public void AddDestination_SameNameTwice_Throws()
    {
        var builder = new ServiceCollection().AddSegmentFunctions().AddDestination<ProbeFunction, ProbeSettings>("A", _ => { });

        var error = Assert.Throws<ArgumentException>(() => builder.AddDestination<BatchProbeFunction, ProbeSettings>("A", _ => { }));
        Assert.That(error!.Message, Does.Contain("\"A\" is already registered"));
    }

    [Test]
    public void AddDestination_ReservedName_Throws()
    {
        var builder = new ServiceCollection().AddSegmentFunctions();

        Assert.Throws<ArgumentException>(() => builder.AddDestination<ProbeFunction, ProbeSettings>(DeliveryRecord.RejectedInput, _ => { }));
    }

    [Test]
    public async Task AddDestination_OneClassTwice_GetsTwoInstancesWithTheirOwnSettings()
    {
        var probe = new Probe();
        await using var host = await TestHost.StartAsync(null, b => b
            .AddDestination<ProbeFunction, ProbeSettings>("EU", s => { s.Probe = probe; s.Endpoint = "https://eu.test"; })
            .AddDestination<ProbeFunction, ProbeSettings>("US", s => { s.Probe = probe; s.Endpoint = "https://us.test"; }));

        await host.Functions.SendAsync(TestEvents.Track(1));
        await host.SettleAsync();

        Assert.That(probe.SettingsSeen.Select(s => s.Endpoint).Order(), Is.EqualTo(new[] { "https://eu.test", "https://us.test" }));
        var functions = host.Services.GetRequiredService<SegmentFunctionsHost>();
        Assert.That(host.Functions.Destinations, Is.EqualTo(new[] { "EU", "US" }));
        Assert.That(functions.Pipelines.Count(), Is.EqualTo(2));
    }

    [Test]
    public async Task AddDestination_FromConfiguration_BindsTheSettings()
    {
        var probe = new Probe();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Destinations:Acme:Endpoint"] = "https://configured.test/hook",
            ["Destinations:Acme:ApiKey"] = "configured-key",
        }).Build();

        await using var host = await TestHost.StartAsync(null, b => b.AddDestination<ProbeFunction, ProbeSettings>(
            "Acme", configuration.GetSection("Destinations:Acme")),
            more: services => services.AddSingleton(probe));
        await host.Functions.SendAsync(TestEvents.Track(1));
        await host.SettleAsync();

        var seen = probe.SettingsSeen.Single();
        Assert.That((seen.Endpoint, seen.ApiKey), Is.EqualTo(("https://configured.test/hook", "configured-key")));
        Assert.That(host.Records("Acme").Single().State, Is.EqualTo(DeliveryState.Delivered));
    }

    [Test]
    public async Task AddSegmentFunctions_FromConfiguration_BindsTheOptions()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["QueueCapacity"] = "42",
            ["Batching:MaxSize"] = "100",
            ["Invocation:Timeout"] = "00:00:02",
        }).Build();
        var services = new ServiceCollection();
        services.AddSegmentFunctions(configuration);

        await using var provider = services.BuildServiceProvider();
        var options = provider.GetRequiredService<IOptions<SegmentFunctionsOptions>>().Value;
        Assert.That((options.QueueCapacity, options.Batching.MaxSize, options.Invocation.Timeout), Is.EqualTo((42, 100, TimeSpan.FromSeconds(2))));
    }
}
