using Segment.Functions.Delivery;
using Segment.Functions.Hosting;
using Segment.Functions.Retries;
using Segment.Functions.Retries.Internal;
using Segment.Functions.Tests.Hosting;

namespace Segment.Functions.Tests.Retries;

public sealed class HostRetryTests
{
    private static Task<TestHost> CreateSut(Probe probe, Action<SegmentFunctionsOptions>? options = null) =>
        TestHost.StartAsync(options, b => b.AddDestination<ProbeFunction, ProbeSettings>("Webhook", s => s.Probe = probe));

    [Test]
    public async Task RetryError_IsRetriedUntilDelivered_WithAttemptsAndTimesRecorded()
    {
        var probe = new Probe { Handle = (_, attempt, _) => attempt < 3 ? throw new RetryError("503 from upstream") : Task.CompletedTask };
        await using var host = await CreateSut(probe);
        var sentAt = host.Time.GetUtcNow();

        await host.Functions.SendAsync(TestEvents.Track(1));
        await host.RunToCompletionAsync(TimeSpan.FromSeconds(1));

        var records = host.Records("Webhook");
        Assert.That(records.Select(r => r.State), Is.EqualTo(new[] { DeliveryState.Retrying, DeliveryState.Retrying, DeliveryState.Delivered }));
        Assert.That(records.Select(r => r.Attempts), Is.EqualTo(new[] { 1, 2, 3 }));
        Assert.That(records.Select(r => r.FirstAttemptAt).Distinct().Single(), Is.EqualTo(sentAt));
        Assert.That(records[^1].LastAttemptAt, Is.GreaterThan(sentAt));
        Assert.That(records[0].Error!.Message, Is.EqualTo("503 from upstream"));
        Assert.That(records[^1].Error, Is.Null);
        Assert.That(host.Functions.GetCounts("Webhook"), Has.Property("Delivered").EqualTo(1).And.Property("Retrying").EqualTo(0));
    }

    [Test]
    public async Task Retry_WaitsAtLeastWhatRetryAfterAsks()
    {
        var probe = new Probe { Handle = (_, attempt, _) => attempt == 1 ? throw new RetryError("slow down") { RetryAfter = TimeSpan.FromMinutes(3) } : Task.CompletedTask };
        await using var host = await CreateSut(probe);

        await host.Functions.SendAsync(TestEvents.Track(1));
        await host.SettleAsync();
        host.Time.Advance(TimeSpan.FromMinutes(3) - TimeSpan.FromSeconds(1));
        await host.SettleAsync();
        Assert.That(probe.Singles.Count, Is.EqualTo(1), "not retried before Retry-After");

        host.Time.Advance(TimeSpan.FromSeconds(1));
        await host.SettleAsync();
        Assert.That(probe.Singles.Count, Is.EqualTo(2));
        Assert.That(host.Functions.GetCounts("Webhook").Delivered, Is.EqualTo(1));
    }

    [Test]
    public async Task KeepsFailing_IsExpiredAfterTheRetryWindow()
    {
        var probe = new Probe { Handle = static (_, _, _) => throw new RetryError("always down") };
        await using var host = await CreateSut(probe);

        await host.Functions.SendAsync(TestEvents.Track(1));
        await host.RunToCompletionAsync(TimeSpan.FromMinutes(10));

        var records = host.Records("Webhook");
        var last = records[^1];
        Assert.That((last.State, last.Reason), Is.EqualTo((DeliveryState.Expired, OutcomeReason.Retry)));
        Assert.That(records.Take(records.Length - 1).Select(r => r.State), Is.All.EqualTo(DeliveryState.Retrying));
        Assert.That(last.Attempts, Is.EqualTo(probe.Singles.Count).And.GreaterThan(10));
        // The last attempt is due when the window closes; the clock moves in 10 min steps here.
        Assert.That(last.LastAttemptAt - last.FirstAttemptAt, Is.GreaterThanOrEqualTo(TimeSpan.FromHours(4)).And.LessThan(TimeSpan.FromHours(4) + TimeSpan.FromMinutes(10)));
        Assert.That(last.Error!.Message, Is.EqualTo("always down"));
        var counts = host.Functions.GetCounts("Webhook");
        Assert.That((counts.Expired, counts.Retrying, counts.Delivered), Is.EqualTo((1, 0, 0)));
    }

    [Test]
    public async Task KeepsFailing_LastAttemptIsWhenTheWindowCloses_AndNoneAfter()
    {
        var probe = new Probe { Handle = static (_, _, _) => throw new RetryError("always down") };
        await using var host = await CreateSut(probe);
        var first = host.Time.GetUtcNow();

        await host.Functions.SendAsync(TestEvents.Track(1));
        await host.RunToCompletionAsync(TimeSpan.FromSeconds(1), maxSteps: 20_000); // 4 h in 1 s steps

        var records = host.Records("Webhook");
        var last = records[^1];
        Assert.That(last.State, Is.EqualTo(DeliveryState.Expired));
        Assert.That(last.FirstAttemptAt, Is.EqualTo(first));
        Assert.That(last.LastAttemptAt, Is.EqualTo(first + TimeSpan.FromHours(4)), "not given up before the 4 h window has passed");
        Assert.That(records[^2].LastAttemptAt, Is.LessThan(first + TimeSpan.FromHours(4)));

        var attempts = probe.Singles.Count;
        host.Time.Advance(TimeSpan.FromHours(1));
        await host.SettleAsync();
        Assert.That(probe.Singles, Has.Count.EqualTo(attempts), "no attempt after the window");
        Assert.That(host.Functions.GetCounts("Webhook").Expired, Is.EqualTo(1));
    }

    [Test]
    public async Task Retries_WaitsGrowAndStayWithinTheBackoffBounds()
    {
        var probe = new Probe { Handle = static (_, _, _) => throw new RetryError("down") };
        var options = new RetryOptions { InitialDelay = TimeSpan.FromSeconds(1), Multiplier = 2, MaxDelay = TimeSpan.FromMinutes(1), RetryWindow = TimeSpan.FromMinutes(30) };
        await using var host = await CreateSut(probe, o => o.Retry = options);

        await host.Functions.SendAsync(TestEvents.Track(1));
        await host.RunToCompletionAsync(TimeSpan.FromMilliseconds(250), maxSteps: 20_000);

        var attempts = host.Records("Webhook").Select(r => r.LastAttemptAt).ToArray();
        var backoff = new RetryBackoff(options);
        var waits = attempts.Zip(attempts.Skip(1), (a, b) => b - a).ToArray();
        for (var i = 0; i < waits.Length; i++)
        {
            // The clock moves in 250 ms steps, so a wait can end up to one step late.
            Assert.That(waits[i], Is.LessThanOrEqualTo(backoff.UpperBound(i + 1) + TimeSpan.FromMilliseconds(250)), $"wait {i + 1}");
        }

        Assert.That(waits.Distinct().Count(), Is.GreaterThan(waits.Length / 2), "randomized, not a fixed schedule");
        Assert.That(waits.Skip(waits.Length - 5).Average(w => w.TotalSeconds), Is.GreaterThan(waits.Take(5).Average(w => w.TotalSeconds)), "later waits are longer");
    }

    [Test]
    public async Task HandlerTimeout_IsRetried()
    {
        var probe = new Probe { Handle = (_, attempt, ct) => attempt == 1 ? Task.Delay(Timeout.InfiniteTimeSpan, ct) : Task.CompletedTask };
        await using var host = await CreateSut(probe);

        await host.Functions.SendAsync(TestEvents.Track(1));
        await probe.Called.Task.WaitAsync(TimeSpan.FromSeconds(30));
        host.Time.Advance(TimeSpan.FromSeconds(5));
        await host.RunToCompletionAsync(TimeSpan.FromSeconds(1));

        var records = host.Records("Webhook");
        Assert.That(records.Select(r => (r.State, r.Reason)), Is.EqualTo(new[] { (DeliveryState.Retrying, OutcomeReason.Timeout), (DeliveryState.Delivered, OutcomeReason.None) }));
        Assert.That(records[0].Error!.Message, Does.Contain("5 s"));
    }

    [Test]
    public async Task NonRetryableError_IsDiscardedAtOnce()
    {
        var probe = new Probe { Handle = static (_, _, _) => throw new ValidationError("email is required") };
        await using var host = await CreateSut(probe);

        await host.Functions.SendAsync(TestEvents.Track(1));
        await host.SettleAsync();

        var record = host.Records("Webhook").Single();
        Assert.That((record.State, record.Reason, record.Attempts), Is.EqualTo((DeliveryState.Discarded, OutcomeReason.MessageRejected, 1)));
        Assert.That(host.Functions.GetStatus("Webhook").Pending, Is.Zero);
    }
}
