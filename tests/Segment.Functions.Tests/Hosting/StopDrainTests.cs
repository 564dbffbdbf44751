using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Segment.Functions.Delivery;
using Segment.Functions.Hosting;
using Segment.Functions.Hosting.Internal;

namespace Segment.Functions.Tests.Hosting;

/// <summary>
/// A graceful stop drains the retry backlog (issue 12, item 5): intake closes first, retries that
/// fall due before the deadline re-enter and are delivered, and what is left is reported by kind.
/// </summary>
public sealed class StopDrainTests
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(30);

    private static Task<TestHost> CreateSut(Probe probe, Action<SegmentFunctionsOptions>? options = null, bool batching = false) =>
        TestHost.StartAsync(
            options,
            b =>
            {
                if (batching)
                {
                    b.AddDestination<BatchProbeFunction, ProbeSettings>("A", s => s.Probe = probe);
                }
                else
                {
                    b.AddDestination<ProbeFunction, ProbeSettings>("A", s => s.Probe = probe);
                }
            },
            services => services.AddLogging(l => l.AddFakeLogging()));

    private static Task<int> BeginStop(TestHost host) => host.Services.GetRequiredService<SegmentFunctionsHost>().StopAsync(CancellationToken.None);

    [Test]
    public async Task Stop_RetryDueBeforeTheDeadline_IsDeliveredBeforeTheStopReturns()
    {
        var probe = new Probe { Handle = static (_, attempt, _) => attempt == 1 ? throw new RetryError("busy") { RetryAfter = TimeSpan.FromSeconds(5) } : Task.CompletedTask };
        await using var host = await CreateSut(probe);
        await host.Functions.SendAsync(TestEvents.Track(1));
        await host.SettleAsync();

        var stopping = BeginStop(host);
        await Task.Delay(TimeSpan.FromMilliseconds(50), TimeProvider.System); // real time passes, the fake clock does not
        Assert.That(stopping.IsCompleted, Is.False, "waits for the retry due in 5 s (the deadline is 30 s)");
        Assert.That((await host.Functions.SendAsync(TestEvents.Track(2))).Status, Is.EqualTo(SendStatus.Stopped), "intake is closed first");

        host.Time.Advance(TimeSpan.FromSeconds(5));
        var left = await stopping.WaitAsync(Guard);

        Assert.That(left, Is.Zero);
        var record = host.Records("A")[^1];
        Assert.That((record.MessageId, record.State, record.Attempts), Is.EqualTo(("m-1", DeliveryState.Delivered, 2)));
        Assert.That(host.Functions.GetStatus("A").Pending, Is.Zero);
    }

    [Test]
    public async Task Stop_BatchRetriedWhole_IsDeliveredWhileDraining()
    {
        var probe = new Probe { HandleBatch = static (_, call, _) => call == 1 ? throw new RetryError("busy") { RetryAfter = TimeSpan.FromSeconds(3) } : Task.FromResult(BatchResult.Delivered) };
        await using var host = await CreateSut(probe, o => { o.Batching.MaxSize = 4; o.Batching.LowVolumeEventsPerSecond = 0; }, batching: true);
        for (var i = 0; i < 4; i++)
        {
            await host.Functions.SendAsync(TestEvents.Track(i));
        }

        await host.SettleAsync();
        Assert.That(host.Functions.GetStatus("A").WaitingForRetry, Is.EqualTo(4));

        var stopping = BeginStop(host);
        host.Time.Advance(TimeSpan.FromSeconds(3));
        var left = await stopping.WaitAsync(Guard);

        Assert.That(left, Is.Zero);
        Assert.That(host.Functions.GetCounts("A").Delivered, Is.EqualTo(4));
    }

    [Test]
    public async Task Stop_RetriesKeepFailing_DrainsUntilNoRetryIsDueBeforeTheDeadline_ThenReportsThem()
    {
        var probe = new Probe { Handle = static (_, _, _) => throw new RetryError("down") { RetryAfter = TimeSpan.FromSeconds(8) } };
        await using var host = await CreateSut(probe);
        await host.Functions.SendAsync(TestEvents.Track(1));
        await host.SettleAsync();

        var stopping = BeginStop(host);
        for (var step = 1; step <= 3; step++)
        {
            // The worker schedules the retry a moment after the handler threw: move the clock only once
            // the event waits for it, or the retry would be timed from the moved clock.
            await WaitUntilAsync(() => host.Functions.GetStatus("A").WaitingForRetry == 1);

            // Attempts at 8, 16 and 24 s; after the third the next is due at 32 s, past the 30 s deadline.
            host.Time.Advance(TimeSpan.FromSeconds(8));
            await WaitUntilAsync(() => probe.Singles.Count == step + 1);
        }

        await WaitUntilAsync(() => host.Functions.GetStatus("A").WaitingForRetry == 1);

        var left = await stopping.WaitAsync(Guard);

        Assert.That(left, Is.EqualTo(1));
        Assert.That(probe.Singles, Has.Count.EqualTo(4));
        Assert.That(host.Functions.GetStatus("A"), Is.EqualTo(new DestinationStatus("A", Queued: 0, InFlight: 0, WaitingForRetry: 1)));
        Assert.That(LeftPendingLine(host), Does.Contain("queued 0, in flight 0, waiting for retry 1"));
    }

    [Test]
    public async Task Stop_PastTheDeadline_ReportsEachKindByItsName()
    {
        var probe = new Probe
        {
            Handle = static (e, _, _) => e.MessageId switch
            {
                "m-0" => throw new RetryError("later") { RetryAfter = TimeSpan.FromHours(1) },
                "m-1" => new TaskCompletionSource().Task, // never ends, ignores its token
                _ => Task.CompletedTask,
            },
        };
        await using var host = await CreateSut(probe, o => { o.MaxConcurrency = 1; o.ShutdownTimeout = TimeSpan.FromSeconds(2); o.Invocation.Timeout = TimeSpan.FromMinutes(1); });
        using var pending = new MetricCollector<long>(host.Services.GetRequiredService<IMeterFactory>(), "Segment.Functions", "segment.functions.events.pending_at_shutdown");
        await host.Functions.SendAsync(TestEvents.Track(0));
        await host.SettleAsync();
        await host.Functions.SendAsync(TestEvents.Track(1));
        await WaitUntilAsync(() => probe.Singles.Count == 2);
        await host.Functions.SendAsync(TestEvents.Track(2));
        await host.Functions.SendAsync(TestEvents.Track(3));

        var stopping = BeginStop(host);
        host.Time.Advance(TimeSpan.FromSeconds(2));
        var left = await stopping.WaitAsync(Guard);

        Assert.That(left, Is.EqualTo(4));
        Assert.That(host.Functions.GetStatus("A"), Is.EqualTo(new DestinationStatus("A", Queued: 2, InFlight: 1, WaitingForRetry: 1)));
        Assert.That(LeftPendingLine(host), Does.Contain("stopped with 4 event(s) still pending (queued 2, in flight 1, waiting for retry 1)"));
        Assert.That(
            pending.GetMeasurementSnapshot().ToDictionary(m => (string)m.Tags["kind"]!, m => m.Value),
            Is.EquivalentTo(new Dictionary<string, long> { ["queued"] = 2, ["in_flight"] = 1, ["waiting_for_retry"] = 1 }));
        Assert.That(host.Records("A").Where(r => r.IsTerminal), Is.Empty, "no outcome was invented for them");
    }

    [Test]
    public async Task Stop_NothingLeft_ReturnsWithoutTheClockMoving()
    {
        await using var host = await CreateSut(new Probe());
        await host.Functions.SendAsync(TestEvents.Track(1));
        await host.SettleAsync();

        Assert.That(await host.StopAsync(), Is.Zero);
        Assert.That(LeftPendingLine(host), Is.Null);
    }

    private static string? LeftPendingLine(TestHost host) =>
        host.Services.GetFakeLogCollector().GetSnapshot().LastOrDefault(r => r.Message.Contains("still pending"))?.Message;

    // Invocations run on the thread pool after the clock moves; wait for them in real time, bounded.
    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var started = TimeProvider.System.GetTimestamp();
        while (!condition())
        {
            Assert.That(TimeProvider.System.GetElapsedTime(started), Is.LessThan(Guard), "timed out");
            await Task.Delay(TimeSpan.FromMilliseconds(5), TimeProvider.System);
        }
    }
}
