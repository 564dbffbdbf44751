using Microsoft.Extensions.DependencyInjection;
using Segment.Functions.Delivery;
using Segment.Functions.Hosting;

namespace Segment.Functions.Tests.Hosting;

/// <summary><see cref="ISegmentFunctions.SendAllOrNoneAsync"/>: a group is queued whole or not at all, within a wait limit.</summary>
public sealed class AllOrNoneTests
{
    private static SegmentEvent[] Group(int from, int count) => Enumerable.Range(from, count).Select(i => TestEvents.Track(i)).ToArray();

    // A destination whose handler never ends (until the test releases it), so room is only what the capacity leaves.
    private static Task<TestHost> StuckHostAsync(Probe probe, int capacity, params string[] names) =>
        TestHost.StartAsync(
            o => { o.QueueCapacity = capacity; o.MaxConcurrency = 1; o.Invocation.Timeout = TimeSpan.FromMinutes(10); o.ShutdownTimeout = TimeSpan.Zero; },
            b =>
            {
                foreach (var name in names)
                {
                    b.AddDestination<ProbeFunction, ProbeSettings>(name, s => s.Probe = probe);
                }
            });

    [Test]
    public async Task WithRoom_QueuesEveryEventForEveryDestination()
    {
        await using var host = await TestHost.StartAsync(null, b => b
            .AddDestination<ProbeFunction, ProbeSettings>("A", _ => { })
            .AddDestination<ProbeFunction, ProbeSettings>("B", _ => { }));

        var result = await host.Functions.SendAllOrNoneAsync(Group(0, 5), SendAllOptions.Default);

        Assert.That(result.Results.Select(r => (r.Status, r.Routed)), Is.All.EqualTo((SendStatus.Accepted, 2)));
        await host.SettleAsync();
        Assert.That(host.Functions.GetCounts("A").Delivered, Is.EqualTo(5));
        Assert.That(host.Functions.GetCounts("B").Delivered, Is.EqualTo(5));
    }

    [Test]
    public async Task WithoutRoomInTime_QueuesNothingAndAnswersQueueFull()
    {
        var release = new TaskCompletionSource();
        var probe = new Probe { Handle = (_, _, _) => release.Task };
        await using var host = await StuckHostAsync(probe, 4, "Slow");
        Assert.That((await host.Functions.SendAllOrNoneAsync(Group(0, 3), SendAllOptions.Default)).Accepted, Is.EqualTo(3));

        var waiting = host.Functions.SendAllOrNoneAsync(Group(3, 2), new SendAllOptions { MaxWait = TimeSpan.FromSeconds(2) }).AsTask();
        Assert.That(waiting.IsCompleted, Is.False, "one unit is free, two are needed: it waits");
        host.Time.Advance(TimeSpan.FromSeconds(2));
        var result = await waiting.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.That(result.Results.Select(r => (r.Status, r.Routed)), Is.All.EqualTo((SendStatus.QueueFull, 0)));
        Assert.That(result.Results[0].Error, Does.Contain("SendAllOptions.MaxWait"));
        Assert.That(host.Functions.GetStatus("Slow").Pending, Is.EqualTo(3), "the unit taken while waiting was given back");
        release.SetResult();
        await host.SettleAsync();
        Assert.That(host.Functions.GetCounts("Slow").Delivered, Is.EqualTo(3));
        Assert.That(host.Records("Slow").Select(r => r.MessageId), Has.None.EqualTo("m-3").And.None.EqualTo("m-4"), "nothing was recorded for the group");
    }

    [Test]
    public async Task ZeroWait_TakesFreeRoomButNeverWaits()
    {
        var probe = new Probe { Handle = static (_, _, _) => new TaskCompletionSource().Task };
        await using var host = await StuckHostAsync(probe, 4, "Slow");
        var zero = new SendAllOptions { MaxWait = TimeSpan.Zero };

        var first = await host.Functions.SendAllOrNoneAsync(Group(0, 3), zero).AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        var second = await host.Functions.SendAllOrNoneAsync(Group(3, 2), zero).AsTask().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.That(first.Accepted, Is.EqualTo(3));
        Assert.That(second.Results.Select(r => r.Status), Is.All.EqualTo(SendStatus.QueueFull));
        Assert.That(host.Functions.GetStatus("Slow").Pending, Is.EqualTo(3));
    }

    [Test]
    public async Task RoomFreedWhileWaiting_QueuesTheWholeGroup()
    {
        var release = new TaskCompletionSource();
        var probe = new Probe { Handle = (_, _, _) => release.Task };
        await using var host = await StuckHostAsync(probe, 3, "Slow");
        await host.Functions.SendAllOrNoneAsync(Group(0, 3), SendAllOptions.Default);

        var waiting = host.Functions.SendAllOrNoneAsync(Group(3, 3), new SendAllOptions { MaxWait = TimeSpan.FromMinutes(1) }).AsTask();
        Assert.That(waiting.IsCompleted, Is.False);
        release.SetResult();
        var result = await waiting.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.That(result.Accepted, Is.EqualTo(3));
        await host.SettleAsync();
        Assert.That(host.Functions.GetCounts("Slow").Delivered, Is.EqualTo(6));
    }

    [Test]
    public async Task OneDestinationFull_NothingIsQueuedAtTheOthers()
    {
        var probe = new Probe { Handle = static (_, _, _) => new TaskCompletionSource().Task };
        var store = new RecordingStore();
        await using var host = await TestHost.StartAsync(
            o => { o.QueueCapacity = 2; o.Invocation.Timeout = TimeSpan.FromMinutes(10); o.ShutdownTimeout = TimeSpan.Zero; },
            b => b
                .AddDestination<ProbeFunction, ProbeSettings>("Free", _ => { })
                .AddDestination<ProbeFunction, ProbeSettings>("Full", s => s.Probe = probe),
            services => services.AddSingleton<IDeliveryStore>(store));
        await host.Functions.SendAllOrNoneAsync(Group(0, 2), SendAllOptions.Default);
        await store.WhenTerminal("Free", 2);
        // A worker records an event's outcome a moment before it gives back the event's room.
        await host.WaitUntilAsync(() => host.Functions.GetStatus("Free").Pending == 0);

        var result = await host.Functions.SendAllOrNoneAsync(Group(2, 2), new SendAllOptions { MaxWait = TimeSpan.Zero });

        Assert.That(result.Results.Select(r => (r.Status, r.Routed)), Is.All.EqualTo((SendStatus.QueueFull, 0)));
        Assert.That(host.Functions.GetStatus("Free").Pending, Is.Zero, "the free destination got none of the refused group");
        Assert.That(host.Functions.GetStatus("Full").Pending, Is.EqualTo(2));
    }

    [Test]
    public async Task GroupLargerThanTheCapacity_IsRefusedAtOnceNamingTheOption()
    {
        await using var host = await TestHost.StartAsync(o => o.QueueCapacity = 3, b => b.AddDestination<ProbeFunction, ProbeSettings>("A", _ => { }));

        var result = await host.Functions.SendAllOrNoneAsync(Group(0, 4), SendAllOptions.Default).AsTask().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.That(result.Results.Select(r => r.Status), Is.All.EqualTo(SendStatus.QueueFull));
        Assert.That(result.Results[0].Error, Does.Contain("QueueCapacity (3)"));
    }

    [Test]
    public async Task CallerCancels_NothingIsQueued()
    {
        var probe = new Probe { Handle = static (_, _, _) => new TaskCompletionSource().Task };
        await using var host = await StuckHostAsync(probe, 2, "Slow");
        await host.Functions.SendAllOrNoneAsync(Group(0, 1), SendAllOptions.Default);
        using var cancel = new CancellationTokenSource();

        var waiting = host.Functions.SendAllOrNoneAsync(Group(1, 2), SendAllOptions.Default, cancel.Token).AsTask();
        Assert.That(waiting.IsCompleted, Is.False);
        cancel.Cancel();
        var result = await waiting.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.That(result.Results.Select(r => (r.Status, r.Routed)), Is.All.EqualTo((SendStatus.Cancelled, 0)));
        Assert.That(host.Functions.GetStatus("Slow").Pending, Is.EqualTo(1));
    }

    [Test]
    public async Task Destinations_LimitWhereTheGroupGoes()
    {
        await using var host = await TestHost.StartAsync(null, b => b
            .AddDestination<ProbeFunction, ProbeSettings>("A", _ => { })
            .AddDestination<ProbeFunction, ProbeSettings>("B", _ => { }));

        var result = await host.Functions.SendAllOrNoneAsync(Group(0, 2), new SendAllOptions { Destinations = new HashSet<string> { "B", "Unknown" } });

        Assert.That(result.Results.Select(r => (r.Status, r.Routed)), Is.All.EqualTo((SendStatus.Accepted, 1)));
        await host.SettleAsync();
        Assert.That((host.Functions.GetCounts("A").Delivered, host.Functions.GetCounts("B").Delivered), Is.EqualTo((0, 2)));
    }

    [Test]
    public async Task AfterStop_AnswersStopped()
    {
        await using var host = await TestHost.StartAsync(null, b => b.AddDestination<ProbeFunction, ProbeSettings>("A", _ => { }));
        await host.StopAsync();

        var result = await host.Functions.SendAllOrNoneAsync(Group(0, 2), SendAllOptions.Default);

        Assert.That(result.Results.Select(r => r.Status), Is.All.EqualTo(SendStatus.Stopped));
    }

    [Test]
    public void NullEvent_IsAnArgumentError()
    {
        var services = TestHost.CreateServices(new Microsoft.Extensions.Time.Testing.FakeTimeProvider(), null, b => b.AddDestination<ProbeFunction, ProbeSettings>("A", _ => { }));
        using var provider = services.BuildServiceProvider();
        var functions = provider.GetRequiredService<ISegmentFunctions>();

        Assert.That(async () => await functions.SendAllOrNoneAsync([TestEvents.Track(0), null!], SendAllOptions.Default),
            Throws.ArgumentException.With.Message.Contains("index 1"));
    }

    [Test]
    public void Options_Defaults()
    {
        var options = new SendAllOptions();

        Assert.That(options.MaxWait, Is.EqualTo(Timeout.InfiniteTimeSpan));
        Assert.That(options.Destinations, Is.Null);
    }
}
