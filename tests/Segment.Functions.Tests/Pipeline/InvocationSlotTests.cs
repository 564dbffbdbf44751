using Segment.Functions.Pipeline.Internal;
using Segment.Functions.Tests.Hosting;

namespace Segment.Functions.Tests.Pipeline;

/// <summary>One concurrency slot: its phases, the take-over of a blocked call, and a cancel that reaches only the invocation it was meant for.</summary>
public sealed class InvocationSlotTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Test]
    public void Begin_HoldsTheInvocationAndItsStart_ReturnedMovesToAwaiting()
    {
        var slot = new InvocationSlot();
        var item = NewItem();

        slot.Begin(item, startedAt: 100);

        Assert.That(slot.Phase, Is.EqualTo(InvocationSlot.Calling));
        Assert.That(slot.StartedAt, Is.EqualTo(100));
        Assert.That(slot.Events, Is.EqualTo(new[] { item }));
        Assert.That(slot.Returned(), Is.True);
        Assert.That(slot.Phase, Is.EqualTo(InvocationSlot.Awaiting));
    }

    [Test]
    public void Begin_Batch_HoldsAllItsEvents()
    {
        var slot = new InvocationSlot();
        var batch = new[] { NewItem(), NewItem(), NewItem() };

        slot.Begin(batch, startedAt: 1);

        Assert.That(slot.Events, Is.EqualTo(batch));
    }

    [Test]
    public void End_EmptiesTheSlot()
    {
        var slot = new InvocationSlot();
        slot.Begin(NewItem(), startedAt: 1);

        slot.End();

        Assert.That(slot.Phase, Is.EqualTo(InvocationSlot.Idle));
        Assert.That(slot.Events, Is.Empty);
    }

    [Test]
    public void TryTakeOver_WhileStillInItsCall_TakesItOver_AndTheLateReturnIsRefused()
    {
        var slot = new InvocationSlot();
        slot.Begin(NewItem(), startedAt: 7);

        Assert.That(slot.TryTakeOver(7), Is.True);

        Assert.That(slot.Phase, Is.EqualTo(InvocationSlot.TakenOver));
        Assert.That(slot.Returned(), Is.False, "the handler returned after the watchdog took over");
    }

    [Test]
    public void TryTakeOver_AfterTheHandlerReturnedItsTask_IsRefused()
    {
        var slot = new InvocationSlot();
        slot.Begin(NewItem(), startedAt: 7);
        slot.Returned();

        Assert.That(slot.TryTakeOver(7), Is.False);
        Assert.That(slot.Phase, Is.EqualTo(InvocationSlot.Awaiting));
    }

    [Test]
    public void TryTakeOver_OfAnEarlierInvocation_LeavesTheCurrentOneAlone()
    {
        var slot = new InvocationSlot();
        slot.Begin(NewItem(), startedAt: 7);
        slot.End();
        slot.Begin(NewItem(), startedAt: 8);

        Assert.That(slot.TryTakeOver(7), Is.False);
        Assert.That(slot.Phase, Is.EqualTo(InvocationSlot.Calling));
    }

    [Test]
    public void Cancel_CancelsTheInvocationMeant()
    {
        var slot = new InvocationSlot();
        slot.Begin(NewItem(), startedAt: 7);
        var token = slot.TimeoutToken;

        slot.Cancel(7, aborted: false);

        Assert.That(token.IsCancellationRequested, Is.True);
        Assert.That(slot.Aborted, Is.False);
    }

    [Test]
    public void Cancel_OfAnEarlierInvocation_DoesNotCancelTheNextOneInTheSameSlot()
    {
        var slot = new InvocationSlot();
        slot.Begin(NewItem(), startedAt: 7);
        slot.End();
        slot.Begin(NewItem(), startedAt: 8);
        var token = slot.TimeoutToken;

        slot.Cancel(7, aborted: false);

        Assert.That(token.IsCancellationRequested, Is.False);
    }

    [Test]
    public void Cancel_WhenIdle_DoesNothing()
    {
        var slot = new InvocationSlot();
        slot.Begin(NewItem(), startedAt: 7);
        slot.End();

        slot.Cancel(7, aborted: false);

        Assert.That(slot.TimeoutToken.IsCancellationRequested, Is.False, "the next invocation would otherwise start cancelled");
    }

    [Test]
    public void End_AfterATimeout_GivesTheNextInvocationAFreshToken_AndTheOverrunHandlerKeepsItsCancelledOne()
    {
        var slot = new InvocationSlot();
        slot.Begin(NewItem(), startedAt: 7);
        var first = slot.TimeoutToken;
        slot.Cancel(7, aborted: false);

        slot.End();
        slot.Begin(NewItem(), startedAt: 8);

        Assert.That(first.IsCancellationRequested, Is.True);
        Assert.That(slot.TimeoutToken.IsCancellationRequested, Is.False);
    }

    [Test]
    public void Cancel_Aborted_IsMarkedAsTheStopsDeadline()
    {
        var slot = new InvocationSlot();
        slot.Begin(NewItem(), startedAt: 7);

        slot.Cancel(7, aborted: true);

        Assert.That(slot.Aborted, Is.True);
        Assert.That(slot.TimeoutToken.IsCancellationRequested, Is.True);
    }

    [Test]
    public async Task Cancel_RacingEndAndBegin_NeverCancelsTheNextInvocation()
    {
        // Late cancels for invocation n - 1 arrive while the slot runs n and moves on: they must reach nothing.
        var slot = new InvocationSlot();
        var item = NewItem();
        const int Invocations = 100_000;
        var wrongly = 0;
        var current = 0L;
        slot.Begin(item, startedAt: 0);
        var canceller = Task.Run(() =>
        {
            for (var n = 0; n < Invocations; n++)
            {
                slot.Cancel(Volatile.Read(ref current) - 1, aborted: false);
            }
        });
        var runner = Task.Run(() =>
        {
            for (long n = 1; n <= Invocations; n++)
            {
                slot.End();
                slot.Begin(item, startedAt: n);
                Volatile.Write(ref current, n);
                Thread.SpinWait(20);

                // Every cancel aims at an invocation already over: any that landed reached the wrong one.
                if (slot.TimeoutToken.IsCancellationRequested)
                {
                    wrongly++;
                }
            }
        });

        await Task.WhenAll(canceller, runner).WaitAsync(TimeSpan.FromSeconds(60), TimeProvider.System);

        Assert.That(wrongly, Is.Zero);
    }

    private static PendingEvent NewItem() => new(TestEvents.Track(1), Start, owned: false);
}
