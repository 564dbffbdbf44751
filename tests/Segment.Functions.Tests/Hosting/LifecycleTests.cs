using Microsoft.Extensions.DependencyInjection;
using Segment.Functions.Delivery;
using Segment.Functions.Hosting;
using Segment.Functions.Hosting.Internal;

namespace Segment.Functions.Tests.Hosting;

public sealed class LifecycleTests
{
    [Test]
    public async Task Stop_DrainsQueuedEventsAndBatchesBeingFormed()
    {
        var probe = new Probe();
        await using var host = await TestHost.StartAsync(
            o => o.Batching.LowVolumeEventsPerSecond = 0,
            b => b.AddDestination<BatchProbeFunction, ProbeSettings>("Batcher", s => s.Probe = probe));
        for (var i = 0; i < 5; i++)
        {
            await host.Functions.SendAsync(TestEvents.Track(i));
        }

        await host.SettleAsync();
        Assert.That(probe.BatchSizes, Is.Empty, "still forming: the 10 s have not passed");

        var left = await host.StopAsync();

        Assert.That(left, Is.Zero);
        Assert.That(probe.BatchSizes, Is.EqualTo(new[] { 5 }));
        Assert.That(host.Functions.GetCounts("Batcher").Delivered, Is.EqualTo(5));
    }

    [Test]
    public async Task Stop_AfterwardsSendIsRefusedAsStopped()
    {
        await using var host = await TestHost.StartAsync(null, b => b.AddDestination<ProbeFunction, ProbeSettings>("A", _ => { }));
        await host.StopAsync();

        var result = await host.Functions.SendAsync(TestEvents.Track(1));

        Assert.That(result.Status, Is.EqualTo(SendStatus.Stopped));
        Assert.That(result.Error, Does.Contain("stopping or stopped"));
    }

    [Test]
    public async Task Stop_PastTheDeadline_CancelsWhatRunsAndReportsWhatIsLeft()
    {
        var probe = new Probe { Handle = static (_, _, _) => new TaskCompletionSource().Task }; // ignores its token, never ends
        await using var host = await TestHost.StartAsync(
            o =>
            {
                o.ShutdownTimeout = TimeSpan.FromSeconds(2);
                o.MaxConcurrency = 1;
                o.Invocation.Timeout = TimeSpan.FromMinutes(1);
            },
            b => b.AddDestination<ProbeFunction, ProbeSettings>("Stuck", s => s.Probe = probe));
        for (var i = 0; i < 3; i++)
        {
            await host.Functions.SendAsync(TestEvents.Track(i));
        }

        await probe.Called.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var stopping = host.Services.GetRequiredService<SegmentFunctionsHost>().StopAsync(CancellationToken.None);
        Assert.That(stopping.IsCompleted, Is.False, "waits for the running invocation until the deadline");
        host.Time.Advance(TimeSpan.FromSeconds(2));
        var left = await stopping.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.That(left, Is.EqualTo(3));
        Assert.That(host.Functions.GetStatus("Stuck").Pending, Is.EqualTo(3));
        Assert.That(host.Records("Stuck"), Is.Empty, "no outcome was invented for them");
    }

    [Test]
    public async Task BackPressure_FullDestination_MakesTheSenderWaitAndHoldsMemoryBounded()
    {
        var release = new TaskCompletionSource();
        var probe = new Probe { Handle = (_, _, _) => release.Task };
        await using var host = await TestHost.StartAsync(
            o => { o.QueueCapacity = 10; o.MaxConcurrency = 2; },
            b => b.AddDestination<ProbeFunction, ProbeSettings>("Slow", s => s.Probe = probe));

        for (var i = 0; i < 10; i++)
        {
            Assert.That((await host.Functions.SendAsync(TestEvents.Track(i))).IsAccepted, Is.True);
        }

        var eleventh = host.Functions.SendAsync(TestEvents.Track(10)).AsTask();
        await probe.Called.Task.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.That(eleventh.IsCompleted, Is.False, "waits for room");
        Assert.That(host.Functions.GetStatus("Slow").Pending, Is.EqualTo(10), "never more than the capacity");
        release.SetResult();
        Assert.That((await eleventh.WaitAsync(TimeSpan.FromSeconds(30))).IsAccepted, Is.True);
        await host.SettleAsync();
        Assert.That(host.Functions.GetCounts("Slow").Delivered, Is.EqualTo(11));
    }

    [Test]
    public async Task BackPressure_WaitingSenderCanCancel()
    {
        var probe = new Probe { Handle = static (_, _, _) => new TaskCompletionSource().Task };
        await using var host = await TestHost.StartAsync(
            o => { o.QueueCapacity = 1; o.Invocation.Timeout = TimeSpan.FromMinutes(1); o.ShutdownTimeout = TimeSpan.Zero; },
            b => b.AddDestination<ProbeFunction, ProbeSettings>("Slow", s => s.Probe = probe));
        await host.Functions.SendAsync(TestEvents.Track(0));
        using var cancel = new CancellationTokenSource();

        var waiting = host.Functions.SendAsync(TestEvents.Track(1), cancel.Token).AsTask();
        cancel.Cancel();

        var result = await waiting.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.That((result.Status, result.Routed), Is.EqualTo((SendStatus.Cancelled, 0)));
    }

    [Test]
    public async Task BackPressure_CancelledAfterAnotherDestinationTookIt_SaysHowManyDid()
    {
        var probe = new Probe { Handle = static (_, _, _) => new TaskCompletionSource().Task };
        var store = new RecordingStore();
        await using var host = await TestHost.StartAsync(
            o => { o.QueueCapacity = 1; o.Invocation.Timeout = TimeSpan.FromMinutes(1); o.ShutdownTimeout = TimeSpan.Zero; },
            b => b
                .AddDestination<ProbeFunction, ProbeSettings>("Free", _ => { })
                .AddDestination<ProbeFunction, ProbeSettings>("Full", s => s.Probe = probe),
            services => services.AddSingleton<IDeliveryStore>(store));
        await host.Functions.SendAsync(TestEvents.Track(0));
        await store.WhenTerminal("Free", 1);
        using var cancel = new CancellationTokenSource();

        var waiting = host.Functions.SendAsync(TestEvents.Track(1), cancel.Token).AsTask();
        cancel.Cancel();

        var result = await waiting.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.That((result.Status, result.Routed), Is.EqualTo((SendStatus.Cancelled, 1)));
        await store.WhenTerminal("Free", 2);
        Assert.That(host.Functions.GetCounts("Free").Delivered, Is.EqualTo(2), "the destination that took it delivers it");
    }

    [Test]
    public async Task SendBatchAsync_Cancelled_AnswersCancelledForTheRest()
    {
        var probe = new Probe { Handle = static (_, _, _) => new TaskCompletionSource().Task };
        await using var host = await TestHost.StartAsync(
            o => { o.QueueCapacity = 1; o.Invocation.Timeout = TimeSpan.FromMinutes(1); o.ShutdownTimeout = TimeSpan.Zero; },
            b => b.AddDestination<ProbeFunction, ProbeSettings>("Full", s => s.Probe = probe));
        using var cancel = new CancellationTokenSource();

        var sending = host.Functions.SendBatchAsync([TestEvents.Track(0), TestEvents.Track(1), TestEvents.Track(2)], cancel.Token).AsTask();
        await probe.Called.Task.WaitAsync(TimeSpan.FromSeconds(30));
        cancel.Cancel();

        var result = await sending.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.That(result.Results.Select(r => r.Status), Is.EqualTo(new[] { SendStatus.Accepted, SendStatus.Cancelled, SendStatus.Cancelled }));
    }

    [Test]
    public async Task Stop_LeavingEventsPending_DoesNotLeaveWaitForIdleHanging()
    {
        // A retry due after the shutdown timeout (30 s): the stop does not wait for it.
        await using var host = await TestHost.StartAsync(null, b => b.AddDestination<ProbeFunction, ProbeSettings>("A", s => s.Probe.Handle = static (_, _, _) => throw new RetryError("down") { RetryAfter = TimeSpan.FromMinutes(5) }));
        await host.Functions.SendAsync(TestEvents.Track(0));
        await host.SettleAsync();

        Assert.That(await host.StopAsync(), Is.EqualTo(1));
        await host.SettleAsync();
        Assert.That(host.Functions.GetStatus("A").WaitingForRetry, Is.EqualTo(1));
    }

    [Test]
    public async Task Stop_CalledTwiceAtOnce_BothGetTheSameReport()
    {
        var probe = new Probe { Handle = static (_, _, _) => new TaskCompletionSource().Task };
        await using var host = await TestHost.StartAsync(
            o => { o.ShutdownTimeout = TimeSpan.FromSeconds(1); o.Invocation.Timeout = TimeSpan.FromMinutes(1); },
            b => b.AddDestination<ProbeFunction, ProbeSettings>("Stuck", s => s.Probe = probe));
        await host.Functions.SendAsync(TestEvents.Track(0));
        await probe.Called.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var sut = host.Services.GetRequiredService<SegmentFunctionsHost>();

        var first = sut.StopAsync(CancellationToken.None);
        var second = sut.StopAsync(CancellationToken.None);
        host.Time.Advance(TimeSpan.FromSeconds(1));

        Assert.That(await first.WaitAsync(TimeSpan.FromSeconds(30)), Is.EqualTo(1));
        Assert.That(await second.WaitAsync(TimeSpan.FromSeconds(30)), Is.EqualTo(1));
    }

    [Test]
    public async Task RejectMode_FullDestination_AnswersQueueFullAndRecordsIt()
    {
        var release = new TaskCompletionSource();
        var probe = new Probe { Handle = (_, _, _) => release.Task };
        var store = new RecordingStore();
        await using var host = await TestHost.StartAsync(
            o => { o.QueueCapacity = 2; o.FullMode = QueueFullMode.Reject; },
            b => b
                .AddDestination<ProbeFunction, ProbeSettings>("Slow", s => s.Probe = probe)
                .AddDestination<ProbeFunction, ProbeSettings>("Fast", _ => { }),
            services => services.AddSingleton<IDeliveryStore>(store));

        await host.Functions.SendAsync(TestEvents.Track(0));
        await host.Functions.SendAsync(TestEvents.Track(1));
        await store.WhenTerminal("Fast", 2); // Fast has room again; Slow holds both
        var third = await host.Functions.SendAsync(TestEvents.Track(2));
        release.SetResult();
        await host.SettleAsync();

        Assert.That(third.Status, Is.EqualTo(SendStatus.QueueFull));
        Assert.That(third.Routed, Is.EqualTo(1), "the other destination still took it");
        Assert.That(third.Error, Does.Contain("Slow"));
        var counts = host.Functions.GetCounts("Slow");
        Assert.That((counts.Delivered, counts.Discarded[OutcomeReason.QueueFull]), Is.EqualTo((2, 1)));
        Assert.That(host.Functions.GetCounts("Fast").Delivered, Is.EqualTo(3));
    }

    [Test]
    public async Task SlowDestination_DoesNotHoldUpAnother()
    {
        var stuck = new Probe { Handle = static (_, _, _) => new TaskCompletionSource().Task };
        var store = new RecordingStore();
        await using var host = await TestHost.StartAsync(
            o => { o.Invocation.Timeout = TimeSpan.FromMinutes(1); o.ShutdownTimeout = TimeSpan.Zero; },
            b => b
                .AddDestination<ProbeFunction, ProbeSettings>("Stuck", s => s.Probe = stuck)
                .AddDestination<ProbeFunction, ProbeSettings>("Fast", _ => { }),
            services => services.AddSingleton<IDeliveryStore>(store));

        for (var i = 0; i < 50; i++)
        {
            await host.Functions.SendAsync(TestEvents.Track(i));
        }

        await store.WhenTerminal("Fast", 50);

        Assert.That(host.Functions.GetCounts("Fast").Delivered, Is.EqualTo(50));
        Assert.That(host.Functions.GetStatus("Stuck").Pending, Is.EqualTo(50));
    }
}
