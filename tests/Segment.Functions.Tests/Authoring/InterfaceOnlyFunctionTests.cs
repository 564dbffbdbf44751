using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Segment.Functions.Delivery;
using Segment.Functions.Testing;
using Segment.Functions.Tests.Hosting;

namespace Segment.Functions.Tests.Authoring;

/// <summary>
/// A function written against <see cref="IDestinationFunction{TSettings}"/> alone (no base class) gets
/// its HTTP client, cache and log through <see cref="IDestinationFunction{TSettings}.Initialize"/>, in
/// the host and in the harness, and opts into batching by defining OnBatch, as a subclass does.
/// </summary>
public sealed class InterfaceOnlyFunctionTests
{
    [Test]
    public async Task Harness_InterfaceOnlyFunction_GetsHttpCacheAndLogger()
    {
        using var harness = new FunctionHarness<PlainFunction, FunctionSettings>(new FunctionSettings().Set("endpoint", "https://plain.test/track"));
        harness.Http.On(HttpMethod.Post, "https://plain.test/track").Respond(HttpStatusCode.OK);

        var run = await harness.RunAsync(SampleEvents.Track());

        Assert.That(run.Outcome, Is.EqualTo(OutcomeKind.Delivered), run.ToString());
        Assert.That(run.Requests, Has.Count.EqualTo(1), "the request went through the harness's traced client");
        Assert.That(run.Logs, Does.Contain("cached value 1"), "the log line was captured with the run");
        Assert.That(harness.Function.Context!.Destination, Is.EqualTo(FunctionHarness<PlainFunction, FunctionSettings>.HarnessDestination));
        Assert.That(harness.SupportsBatching, Is.False, "no OnBatch of its own: the interface's default");
    }

    [Test]
    public async Task Harness_InterfaceOnlyFunctionWithOnBatch_SupportsBatchingAndRunsIt()
    {
        var batches = new BatchLog();
        using var harness = new FunctionHarness<PlainBatchFunction, FunctionSettings>(new FunctionSettings(), _ => new PlainBatchFunction(batches));

        var run = await harness.RunBatchAsync([SampleEvents.Track(), SampleEvents.Identify()]);

        Assert.That(harness.SupportsBatching, Is.True);
        Assert.That(run.Outcomes, Has.Count.EqualTo(2));
        Assert.That(batches.Sizes, Is.EqualTo(new[] { 2 }));
    }

    [Test]
    public async Task Harness_InterfaceOnlyFunction_OnBatchLeftToTheDefault_IsUnsupported()
    {
        using var harness = new FunctionHarness<PlainFunction, FunctionSettings>(new FunctionSettings().Set("endpoint", "https://plain.test/track"));

        var run = await harness.RunBatchAsync([SampleEvents.Track()]);

        Assert.That(run.Reason, Is.EqualTo(OutcomeReason.UnsupportedEventType));
        Assert.That(run.Error!.Message, Is.EqualTo("batch is not supported"));
    }

    [Test]
    public async Task Host_InterfaceOnlyFunction_IsInitializedWithItsDestinationAndItsLogsAreRecorded()
    {
        var batches = new BatchLog();
        await using var host = await TestHost.StartAsync(
            o => o.Batching.LowVolumeEventsPerSecond = 0,
            b => b.AddDestination<PlainFunction>("Plain", new FunctionSettings().Set("endpoint", "http://127.0.0.1:9/unused"))
                  .AddDestination<PlainBatchFunction>("Plain Batch", new FunctionSettings()),
            services => services.AddSingleton(batches));

        for (var i = 0; i < 20; i++)
        {
            await host.Functions.SendAsync(TestEvents.Track(i, name: "Fail Me"));
        }

        await host.SettleAsync();

        var failed = host.Records("Plain").First();
        Assert.That(failed.State, Is.EqualTo(DeliveryState.Discarded));
        Assert.That(failed.Error!.Message, Does.Contain("Plain"), "the function saw its destination's name in its context");
        Assert.That(failed.Logs, Does.Contain("cached value 1"), "the context's logger is captured with the invocation");
        Assert.That(host.Functions.GetCounts("Plain Batch").Delivered, Is.EqualTo(20));
        Assert.That(batches.Sizes, Is.EqualTo(new[] { 20 }), "the host sent the interface-only function one batch");
    }

    /// <summary>Implements the interface directly; keeps the interface's default OnBatch.</summary>
    public sealed class PlainFunction : IDestinationFunction<FunctionSettings>
    {
        public FunctionContext? Context { get; private set; }

        public void Initialize(FunctionContext context) => Context = context;

        public async Task OnTrack(TrackEvent @event, FunctionSettings settings, CancellationToken cancellationToken)
        {
            var context = Context ?? throw new InvalidOperationException("not initialized");
            var value = await context.Cache.LoadAsync("k", TimeSpan.FromMinutes(1), () => Task.FromResult(1), cancellationToken);
            context.Logger.LogInformation("cached value {Value}", value);
            if (@event.Event == "Fail Me")
            {
                throw new ValidationError($"refused by {context.Destination}");
            }

            using var response = await context.Http.PostAsync(settings.GetRequiredString("endpoint"), new StringContent("{}"), cancellationToken);
        }

        public Task OnIdentify(IdentifyEvent @event, FunctionSettings settings, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task OnPage(PageEvent @event, FunctionSettings settings, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task OnScreen(ScreenEvent @event, FunctionSettings settings, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task OnGroup(GroupEvent @event, FunctionSettings settings, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task OnAlias(AliasEvent @event, FunctionSettings settings, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task OnDelete(DeleteEvent @event, FunctionSettings settings, CancellationToken cancellationToken) => Task.CompletedTask;
    }

    /// <summary>Implements the interface directly, OnBatch included.</summary>
    public sealed class PlainBatchFunction : IDestinationFunction<FunctionSettings>
    {
        private readonly BatchLog _batches;

        public PlainBatchFunction(BatchLog batches) => _batches = batches;

        public Task OnTrack(TrackEvent @event, FunctionSettings settings, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task OnIdentify(IdentifyEvent @event, FunctionSettings settings, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task OnPage(PageEvent @event, FunctionSettings settings, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task OnScreen(ScreenEvent @event, FunctionSettings settings, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task OnGroup(GroupEvent @event, FunctionSettings settings, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task OnAlias(AliasEvent @event, FunctionSettings settings, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task OnDelete(DeleteEvent @event, FunctionSettings settings, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task<BatchResult> OnBatch(IReadOnlyList<SegmentEvent> events, FunctionSettings settings, CancellationToken cancellationToken)
        {
            _batches.Add(events.Count);
            return Task.FromResult(BatchResult.Delivered);
        }
    }

    /// <summary>The batch sizes a <see cref="PlainBatchFunction"/> saw.</summary>
    public sealed class BatchLog
    {
        private readonly ConcurrentQueue<int> _sizes = new();

        public IReadOnlyList<int> Sizes => _sizes.ToArray();

        public void Add(int size) => _sizes.Enqueue(size);
    }
}
