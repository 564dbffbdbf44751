using Segment.Functions.PostgreSql.Queue;
using Segment.Functions.PostgreSql.Tests.Cluster;

namespace Segment.Functions.PostgreSql.Tests.Queue;

public sealed class DeliveryListenerTests : QueueTest
{
    [Test]
    public async Task NextWakeUp_EventCommittedForTheDestination_CompletesWithoutTheClockMoving()
    {
        await using var listener = new DeliveryListener(DataSource, Options, Time);
        listener.Start();
        await listener.WhenListeningAsync(1, CancellationToken.None).WaitAsync(Timeout);
        var wakeA = listener.NextWakeUp("A");
        var wakeB = listener.NextWakeUp("B");

        await EnqueueAsync("A", "m-1");

        await wakeA.WaitAsync(Timeout);
        Assert.That(wakeB.IsCompleted, Is.False, "only the destination that got events wakes");
        Assert.That(await listener.WaitAsync(wakeA, dueIn: null, CancellationToken.None), Is.True);
    }

    [Test]
    public async Task NextWakeUp_GroupCommitFailed_NoWakeUpForRowsThatAreNotThere()
    {
        await using var listener = new DeliveryListener(DataSource, Options, Time);
        listener.Start();
        await listener.WhenListeningAsync(1, CancellationToken.None).WaitAsync(Timeout);
        var wakeA = listener.NextWakeUp("A");
        var wakeB = listener.NextWakeUp("B");
        await using var writer = new DeliveryWriter(DataSource, Options, Time, Telemetry);

        // One event for A and for "" (which the table refuses): the transaction, and its NOTIFY for A, roll back.
        Assert.ThrowsAsync<Segment.Functions.PostgreSql.Internal.PostgreSqlCommitException>(async () => await writer.EnqueueAsync(
            [new NewDelivery("A", "m-1", "track", "{}"u8.ToArray()), new NewDelivery("", "m-1", "track", "{}"u8.ToArray())], CancellationToken.None));
        await EnqueueAsync("B", "b-1");
        await wakeB.WaitAsync(Timeout);

        // B's notification came after A's would have: had A's been sent, it would have arrived first.
        Assert.That(wakeA.IsCompleted, Is.False);
    }

    [Test]
    public async Task WaitAsync_NoNotification_ReturnsAfterThePollIntervalOnTheClock()
    {
        await using var listener = new DeliveryListener(DataSource, Options, Time);
        listener.Start();
        await listener.WhenListeningAsync(1, CancellationToken.None).WaitAsync(Timeout);
        var wait = listener.WaitAsync(listener.NextWakeUp("A"), dueIn: null, CancellationToken.None);

        Time.Advance(Options.PollInterval - TimeSpan.FromMilliseconds(1));
        await Task.Yield();
        var beforeInterval = wait.IsCompleted;
        Time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.That(beforeInterval, Is.False);
        Assert.That(await wait.WaitAsync(Timeout), Is.False, "the poll fallback, not a notification");
    }

    [Test]
    public async Task WaitAsync_RetryDueBeforeThePollInterval_ReturnsWhenItIsDue()
    {
        Options.PollInterval = TimeSpan.FromMinutes(1);
        await using var listener = new DeliveryListener(DataSource, Options, Time);
        var wait = listener.WaitAsync(listener.NextWakeUp("A"), dueIn: TimeSpan.FromSeconds(5), CancellationToken.None);

        Time.Advance(TimeSpan.FromSeconds(5));

        Assert.That(await wait.WaitAsync(Timeout), Is.False);
    }

    [Test]
    public async Task Listener_ConnectionKilled_ReconnectsWakesEveryoneAndHearsNotificationsAgain()
    {
        Options.PollInterval = TimeSpan.FromMilliseconds(100);
        await using var listener = new DeliveryListener(DataSource, Options, TimeProvider.System);
        listener.Start();
        await listener.WhenListeningAsync(1, CancellationToken.None).WaitAsync(Timeout);
        var wakeDuringOutage = listener.NextWakeUp("A");

        Assert.That(await ScalarAsync<bool>("SELECT pg_terminate_backend($1)", listener.BackendProcessId), Is.True);
        await wakeDuringOutage.WaitAsync(Timeout);
        await listener.WhenListeningAsync(2, CancellationToken.None).WaitAsync(Timeout);
        var wakeAfter = listener.NextWakeUp("A");
        Assert.That(wakeAfter.IsCompleted, Is.False);
        await EnqueueAsync("A", "m-1");

        await wakeAfter.WaitAsync(Timeout);
        Assert.That(wakeAfter.IsCompletedSuccessfully, Is.True);
    }

    [Test]
    public async Task DisposeAsync_WakesWaiters()
    {
        var listener = new DeliveryListener(DataSource, Options, Time);
        listener.Start();
        var wake = listener.NextWakeUp("A");

        await listener.DisposeAsync().AsTask().WaitAsync(Timeout);

        Assert.That(wake.IsCompletedSuccessfully, Is.True);
    }
}
