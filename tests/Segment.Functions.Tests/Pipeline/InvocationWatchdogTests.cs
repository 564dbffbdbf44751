using System.Collections.Concurrent;
using Microsoft.Extensions.Time.Testing;
using Segment.Functions.Pipeline.Internal;
using Segment.Functions.Tests.Hosting;

namespace Segment.Functions.Tests.Pipeline;

/// <summary>The one timeout timer of a destination, on the fake clock: armed for the earliest deadline, cancelling exactly the invocation that overran.</summary>
[FixtureLifeCycle(LifeCycle.InstancePerTestCase)]
public sealed class InvocationWatchdogTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    private readonly FakeTimeProvider _time = new(Start);
    private readonly InvocationSlot[] _slots = [new(), new()];
    private readonly ConcurrentQueue<(InvocationSlot Slot, long StartedAt)> _timedUp = new();
    private readonly InvocationWatchdog _watchdog;

    public InvocationWatchdogTests() =>
        // As the workers do: tell the handler its time is up.
        _watchdog = new InvocationWatchdog(_time, Timeout, () => _slots, (slot, started) =>
        {
            _timedUp.Enqueue((slot, started));
            slot.Cancel(started, aborted: false);
        });

    public void Dispose() => _watchdog.Dispose();

    [Test]
    public void AnInvocationPastItsTimeout_IsCancelledAtItsDeadlineAndNotBefore()
    {
        var started = Begin(_slots[0]);
        var token = _slots[0].TimeoutToken;

        _time.Advance(Timeout - TimeSpan.FromTicks(1));
        Assert.That(token.IsCancellationRequested, Is.False);
        _time.Advance(TimeSpan.FromTicks(1));

        Assert.That(token.IsCancellationRequested, Is.True);
        Assert.That(_timedUp, Is.EqualTo(new[] { (_slots[0], started) }));
        Assert.That(_slots[0].Aborted, Is.False, "a timeout, not the stop's deadline");
    }

    [Test]
    public void TwoInvocations_EachIsCancelledAtItsOwnDeadline()
    {
        Begin(_slots[0]);
        _time.Advance(TimeSpan.FromSeconds(2));
        Begin(_slots[1]);

        _time.Advance(TimeSpan.FromSeconds(3));
        Assert.That(_slots[0].TimeoutToken.IsCancellationRequested, Is.True);
        Assert.That(_slots[1].TimeoutToken.IsCancellationRequested, Is.False, "its deadline is 2 s later");

        _time.Advance(TimeSpan.FromSeconds(2) - TimeSpan.FromTicks(1));
        Assert.That(_slots[1].TimeoutToken.IsCancellationRequested, Is.False);
        _time.Advance(TimeSpan.FromTicks(1));
        Assert.That(_slots[1].TimeoutToken.IsCancellationRequested, Is.True, "the timer was armed again for the next deadline");
    }

    [Test]
    public void AnInvocationThatEndsInTime_IsLeftAlone_AndTheNextOneInTheSameSlotGetsItsFullTime()
    {
        Begin(_slots[0]);
        _time.Advance(TimeSpan.FromSeconds(4));
        _slots[0].End();
        var second = Begin(_slots[0]);
        var token = _slots[0].TimeoutToken;

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.That(token.IsCancellationRequested, Is.False, "the first invocation's deadline passed, but it ended");
        Assert.That(_timedUp, Is.Empty);

        _time.Advance(TimeSpan.FromSeconds(4));
        Assert.That(token.IsCancellationRequested, Is.True);
        Assert.That(_timedUp, Is.EqualTo(new[] { (_slots[0], second) }));
    }

    [Test]
    public void AnInvocationThatReturnedItsTask_IsStillWatched()
    {
        Begin(_slots[0]);
        Assert.That(_slots[0].Returned(), Is.True);

        _time.Advance(Timeout);

        Assert.That(_slots[0].TimeoutToken.IsCancellationRequested, Is.True);
    }

    [Test]
    public void NothingRunning_TheTimerDoesNothing()
    {
        Begin(_slots[0]);
        _slots[0].End();

        _time.Advance(Timeout * 3);

        Assert.That(_timedUp, Is.Empty);
        Assert.That(_slots[0].TimeoutToken.IsCancellationRequested, Is.False);
    }

    [Test]
    public void AfterAQuietSpell_ANewInvocationArmsTheTimerAgain()
    {
        Begin(_slots[0]);
        _slots[0].End();
        _time.Advance(Timeout * 2);

        Begin(_slots[1]);
        _time.Advance(Timeout);

        Assert.That(_slots[1].TimeoutToken.IsCancellationRequested, Is.True);
    }

    private long Begin(InvocationSlot slot)
    {
        var started = _time.GetTimestamp();
        slot.Begin(new PendingEvent(TestEvents.Track(1), Start, owned: false), started);
        _watchdog.Watch();
        return started;
    }
}
