using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Segment.Functions.Delivery;
using Segment.Functions.Hosting;
using Segment.Functions.Telemetry.Internal;

namespace Segment.Functions.Tests.Hosting;

/// <summary>Faults in what surrounds a function (loggers, filters, huge waits) never lose an event.</summary>
public sealed class RobustnessTests
{
    [Test]
    public async Task ThrowingLogger_DoesNotLoseEventsOrLeakRoom()
    {
        // The logging backend goes down once the host has started: every log call throws from then on.
        var armed = false;
        var logging = new FakeLoggerProvider(FakeLogCollector.Create(new FakeLogCollectorOptions
        {
            OutputSink = _ =>
            {
                if (Volatile.Read(ref armed))
                {
                    throw new InvalidOperationException("the logging backend is down");
                }
            },
        }));
        await using var host = await TestHost.StartAsync(
            o =>
            {
                o.QueueCapacity = 3;
                o.Batching.MaxSize = 3;
                o.Batching.LowVolumeEventsPerSecond = 0;
            },
            b => b.AddDestination<BatchProbeFunction, ProbeSettings>("A", s =>
                s.Probe.HandleBatch = static (events, _, _) => Task.FromResult(BatchResult.FromStatuses(events.Select(_ => new EventStatus(400))))),
            services => services.AddLogging(l => l.SetMinimumLevel(LogLevel.Trace).AddProvider(logging)));
        Volatile.Write(ref armed, true);

        Assert.That((await host.SendJsonAsync("{")).Status, Is.EqualTo(SendStatus.Invalid), "intake answers even when its log line fails");
        // Three batches of three through a queue of three: a leaked unit of room would block the fourth send.
        for (var i = 0; i < 9; i++)
        {
            var sent = await host.Functions.SendAsync(TestEvents.Track(i)).AsTask().WaitAsync(TimeSpan.FromSeconds(30));
            Assert.That(sent.IsAccepted, Is.True);
            await host.SettleAsync();
        }

        Assert.That(host.Functions.GetStatus("A").Pending, Is.Zero);
        var records = host.Records("A");
        Assert.That(records, Has.Length.EqualTo(9), "every event has its final record");
        Assert.That(records.Select(r => r.State), Is.All.EqualTo(DeliveryState.Discarded));
        Assert.That(records.Select(r => r.Error!.Message), Is.All.Contains("the logging backend is down"));
        Volatile.Write(ref armed, false);
    }

    [Test]
    public async Task HugeRetryAfter_ExpiresTheEventInsteadOfOverflowing()
    {
        var probe = new Probe { Handle = static (_, _, _) => throw new RetryError("come back never") { RetryAfter = TimeSpan.MaxValue } };
        await using var host = await TestHost.StartAsync(null, b => b.AddDestination<ProbeFunction, ProbeSettings>("A", s => s.Probe = probe));

        await host.Functions.SendAsync(TestEvents.Track(0));
        await host.SettleAsync();

        var record = host.Records("A").Single();
        Assert.That((record.State, record.Attempts), Is.EqualTo((DeliveryState.Expired, 1)));
        Assert.That(host.Functions.GetStatus("A").Pending, Is.Zero);
    }

    [Test]
    public async Task FilterThrowingARetryError_IsStillADiscardForThatDestination()
    {
        await using var host = await TestHost.StartAsync(null, b => b.AddDestination<ProbeFunction, ProbeSettings>("A", _ => { }, d => d.Filter = _ => throw new RetryError("filter")));

        var result = await host.Functions.SendAsync(TestEvents.Track(0));

        var record = host.Records("A").Single();
        Assert.That((record.State, record.Reason), Is.EqualTo((DeliveryState.Discarded, OutcomeReason.UnknownError)));
        Assert.That(result.Routed, Is.Zero);
    }

    [Test]
    public async Task FarRetry_IsHeldAndDeliveredWhenDue()
    {
        var probe = new Probe { Handle = static (_, attempt, _) => attempt == 1 ? throw new RetryError("tomorrow") { RetryAfter = TimeSpan.FromDays(2) } : Task.CompletedTask };
        await using var host = await TestHost.StartAsync(
            o => o.Retry.RetryWindow = TimeSpan.FromDays(3),
            b => b.AddDestination<ProbeFunction, ProbeSettings>("A", s => s.Probe = probe));

        await host.Functions.SendAsync(TestEvents.Track(0));
        await host.SettleAsync();
        host.Time.Advance(TimeSpan.FromDays(1));
        await host.SettleAsync();
        Assert.That(probe.Singles.Count, Is.EqualTo(1), "a day in, still waiting");
        host.Time.Advance(TimeSpan.FromDays(1));
        await host.SettleAsync();

        Assert.That(probe.Singles.Count, Is.EqualTo(2));
        Assert.That(host.Functions.GetCounts("A").Delivered, Is.EqualTo(1));
    }
}
