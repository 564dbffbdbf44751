using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Segment.Functions.Delivery;
using Segment.Functions.Hosting;
using Segment.Functions.Tests.Hosting;

namespace Segment.Functions.Tests.Telemetry;

public sealed class TelemetryTests
{
    [Test]
    public async Task Metrics_CountOutcomesByDestinationOutcomeAndReason()
    {
        var probe = new Probe { Handle = static (e, _, _) => e.UserId == "user-1" ? throw new ValidationError("no") : Task.CompletedTask };
        await using var host = await TestHost.StartAsync(null, b => b.AddDestination<ProbeFunction, ProbeSettings>("A", s => s.Probe = probe));
        var meters = host.Services.GetRequiredService<IMeterFactory>();
        using var events = new MetricCollector<long>(meters, "Segment.Functions", "segment.functions.events");
        using var rejected = new MetricCollector<long>(meters, "Segment.Functions", "segment.functions.events.rejected");
        using var duration = new MetricCollector<double>(meters, "Segment.Functions", "segment.functions.invocation.duration");

        await host.Functions.SendAsync(TestEvents.Track(0));
        await host.Functions.SendAsync(TestEvents.Track(1));
        await host.SendJsonAsync("{");
        await host.SettleAsync();

        var outcomes = events.GetMeasurementSnapshot()
            .Select(m => ((string)m.Tags["destination"]!, (string)m.Tags["outcome"]!, (string)m.Tags["reason"]!))
            .Order().ToArray();
        Assert.That(outcomes, Is.EqualTo(new[] { ("A", "delivered", "none"), ("A", "discarded", "message_rejected") }));
        Assert.That(rejected.GetMeasurementSnapshot().Single().Tags["reason"], Is.EqualTo("invalid"));
        Assert.That(duration.GetMeasurementSnapshot(), Has.Count.EqualTo(2));
        Assert.That(duration.GetMeasurementSnapshot().Select(m => m.Tags["mode"]), Is.All.EqualTo("single"));
    }

    [Test]
    public async Task Metrics_BatchSizeAndQueueGauges()
    {
        await using var host = await TestHost.StartAsync(
            o => { o.Batching.LowVolumeEventsPerSecond = 0; o.Batching.MaxSize = 3; },
            b => b.AddDestination<BatchProbeFunction, ProbeSettings>("B", _ => { }));
        var meters = host.Services.GetRequiredService<IMeterFactory>();
        using var sizes = new MetricCollector<int>(meters, "Segment.Functions", "segment.functions.batch.size");
        using var depth = new MetricCollector<int>(meters, "Segment.Functions", "segment.functions.queue.depth");

        for (var i = 0; i < 5; i++)
        {
            await host.Functions.SendAsync(TestEvents.Track(i));
        }

        await host.SettleAsync();
        depth.RecordObservableInstruments();

        Assert.That(sizes.GetMeasurementSnapshot().Select(m => m.Value), Is.EqualTo(new[] { 3 }));
        Assert.That(depth.LastMeasurement!.Value, Is.EqualTo(2), "two events wait in a forming batch");
        Assert.That(depth.LastMeasurement.Tags["destination"], Is.EqualTo("B"));
    }

    [Test]
    public async Task Metrics_PendingAtShutdownIsReported()
    {
        // A retry due after the shutdown timeout (30 s): the stop does not wait for it.
        await using var host = await TestHost.StartAsync(null, b => b.AddDestination<ProbeFunction, ProbeSettings>("A", s => s.Probe.Handle = static (_, _, _) => throw new RetryError("down") { RetryAfter = TimeSpan.FromMinutes(5) }));
        using var pending = new MetricCollector<long>(host.Services.GetRequiredService<IMeterFactory>(), "Segment.Functions", "segment.functions.events.pending_at_shutdown");

        await host.Functions.SendAsync(TestEvents.Track(0));
        await host.SettleAsync();
        var left = await host.StopAsync();

        Assert.That(left, Is.EqualTo(1));
        Assert.That(pending.GetMeasurementSnapshot().Single().Value, Is.EqualTo(1));
        Assert.That(pending.GetMeasurementSnapshot().Single().Tags["kind"], Is.EqualTo("waiting_for_retry"));
    }

    [Test]
    public async Task Activity_OnePerInvocationWithTheDestination()
    {
        var started = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Segment.Functions",
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity => { lock (started) { started.Add(activity); } },
        };
        ActivitySource.AddActivityListener(listener);
        await using var host = await TestHost.StartAsync(null, b => b.AddDestination<ProbeFunction, ProbeSettings>("Traced", _ => { }));

        await host.Functions.SendAsync(TestEvents.Track(0));
        await host.SettleAsync();

        Activity[] mine;
        lock (started)
        {
            mine = started.Where(a => (string?)a.GetTagItem("segment.destination") == "Traced").ToArray();
        }

        Assert.That(mine, Has.Length.EqualTo(1));
        Assert.That(mine[0].OperationName, Is.EqualTo("segment.functions.invoke"));
        Assert.That(mine[0].GetTagItem("segment.outcome"), Is.EqualTo("Delivered"));
    }

    [Test]
    public async Task Health_TurnsUnhealthyWhenMostAttemptsFailAndRecovers()
    {
        var failing = true;
        var probe = new Probe { Handle = (_, _, _) => Volatile.Read(ref failing) ? throw new InvalidOperationException("broken") : Task.CompletedTask };
        await using var host = await TestHost.StartAsync(
            o => o.Health = new HealthOptions { Window = 20, MinimumAttempts = 5, DegradedFailureRatio = 0.2, UnhealthyFailureRatio = 0.5 },
            b => b
                .AddDestination<ProbeFunction, ProbeSettings>("Flaky", s => s.Probe = probe)
                .AddDestination<ProbeFunction, ProbeSettings>("Fine", _ => { }));
        var health = host.Services.GetRequiredService<HealthCheckService>();

        Assert.That((await health.CheckHealthAsync()).Entries[SegmentFunctionsBuilder.HealthCheckName("Flaky")].Status, Is.EqualTo(HealthStatus.Healthy), "too few attempts to judge");

        await SendAsync(host, 0, 10);
        var report = await health.CheckHealthAsync();
        Assert.That(report.Entries["segment-functions:Flaky"].Status, Is.EqualTo(HealthStatus.Unhealthy));
        Assert.That(report.Entries["segment-functions:Flaky"].Description, Does.Contain("10 of the last 10"));
        Assert.That(report.Entries["segment-functions:Fine"].Status, Is.EqualTo(HealthStatus.Healthy));

        Volatile.Write(ref failing, false);
        await SendAsync(host, 10, 14);
        Assert.That((await health.CheckHealthAsync()).Entries["segment-functions:Flaky"].Status, Is.EqualTo(HealthStatus.Degraded), "10 of 20 failures… 6 of the last 20 after recovery");

        await SendAsync(host, 24, 20);
        Assert.That((await health.CheckHealthAsync()).Entries["segment-functions:Flaky"].Status, Is.EqualTo(HealthStatus.Healthy));
    }

    [Test]
    public async Task Health_EventFaultDiscards_DoNotCountAgainstTheDestination()
    {
        var probe = new Probe { Handle = static (_, _, _) => throw new EventNotSupported("track is not supported") };
        await using var host = await TestHost.StartAsync(
            o => o.Health.MinimumAttempts = 5,
            b => b.AddDestination<ProbeFunction, ProbeSettings>("Picky", s => s.Probe = probe));
        var health = host.Services.GetRequiredService<HealthCheckService>();

        await SendAsync(host, 0, 10);

        Assert.That((await health.CheckHealthAsync()).Entries["segment-functions:Picky"].Status, Is.EqualTo(HealthStatus.Healthy));
    }

    private static async Task SendAsync(TestHost host, int first, int count)
    {
        for (var i = first; i < first + count; i++)
        {
            await host.Functions.SendAsync(TestEvents.Track(i));
        }

        await host.SettleAsync();
    }
}
