using Segment.Functions.Hosting.Internal;

namespace Segment.Functions.Tests.Hosting.Internal;

public sealed class IdleSignalTests
{
    // Generous bound for waits on real threads: a healthy run takes microseconds.
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Test]
    public void WhenIdle_NothingCounted_IsAlreadyComplete()
    {
        var sut = new IdleSignal();

        Assert.That(sut.WhenIdle().IsCompleted, Is.True);
        Assert.That(sut.Count, Is.Zero);
    }

    [Test]
    public void WhenIdle_WorkCounted_CompletesWhenTheLastUnitIsRemoved()
    {
        var sut = new IdleSignal();
        sut.Add();
        sut.Add(2);

        var idle = sut.WhenIdle();
        sut.Remove(2);

        Assert.That(idle.IsCompleted, Is.False, "one unit is still counted");
        Assert.That(sut.Count, Is.EqualTo(1));
        sut.Remove();
        Assert.That(idle.Wait(Bound), Is.True);
        Assert.That(sut.Count, Is.Zero);
    }

    [Test]
    public void WhenIdle_SeveralWaiters_AllComplete()
    {
        var sut = new IdleSignal();
        sut.Add();

        var first = sut.WhenIdle();
        var second = sut.WhenIdle();
        sut.Remove();

        Assert.That(Task.WaitAll([first, second], Bound), Is.True);
    }

    [Test]
    public void WhenIdle_AfterAnEarlierIdle_WaitsForTheNewWork()
    {
        var sut = new IdleSignal();
        sut.Add();
        var earlier = sut.WhenIdle();
        sut.Remove();
        Assert.That(earlier.Wait(Bound), Is.True);

        sut.Add();
        var later = sut.WhenIdle();

        Assert.That(later.IsCompleted, Is.False, "a new unit means a new wait");
        sut.Remove();
        Assert.That(later.Wait(Bound), Is.True);
    }

    [Test]
    public void WhenIdle_CountBackAtZeroWithoutAWaiter_IsComplete()
    {
        var sut = new IdleSignal();
        sut.Add(3);
        sut.Remove(3);

        Assert.That(sut.WhenIdle().IsCompleted, Is.True);
    }

    [Test]
    public void Reset_WorkStillCounted_ZeroesTheCountAndReleasesWaiters()
    {
        var sut = new IdleSignal();
        sut.Add(5);
        var idle = sut.WhenIdle();

        sut.Reset();

        Assert.That(idle.Wait(Bound), Is.True);
        Assert.That(sut.Count, Is.Zero);
        Assert.That(sut.WhenIdle().IsCompleted, Is.True);
    }

    [Test]
    public void Remove_ReachingZero_DoesNotRunTheWaitersContinuationInline()
    {
        // Remove is called by workers in the middle of their own work; a waiter's continuation must not run on
        // that stack. The continuation below blocks until the test has seen Remove return: run inline, it never would.
        var sut = new IdleSignal();
        sut.Add();
        using var release = new ManualResetEventSlim();
        var continuation = sut.WhenIdle().ContinueWith(
            _ => release.Wait(Bound * 2),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);

        var remover = Task.Run(() => sut.Remove());

        Assert.That(remover.Wait(Bound), Is.True, "Remove returned while the continuation was still blocked");
        release.Set();
        Assert.That(continuation.Wait(Bound), Is.True);
    }

    [Test]
    public async Task WhenIdle_RacingTheLastRemove_IsNeverMissed()
    {
        // The race the type's remarks describe: a waiter arriving while another thread removes the last unit.
        const int Rounds = 10_000;
        var sut = new IdleSignal();
        using var start = new Barrier(2);
        var remover = Task.Factory.StartNew(
            () =>
            {
                for (var round = 0; round < Rounds; round++)
                {
                    start.SignalAndWait(Bound);
                    Thread.SpinWait(round % 50); // varies who goes first, and by how much
                    sut.Remove();
                }
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);

        for (var round = 0; round < Rounds; round++)
        {
            sut.Add();
            start.SignalAndWait(Bound);
            Thread.SpinWait(round / 50 % 50);

            var idle = sut.WhenIdle();

            await idle.WaitAsync(Bound); // a missed wake-up would time out here
        }

        await remover.WaitAsync(Bound);
        Assert.That(sut.Count, Is.Zero);
    }

    [Test]
    public async Task AddAndRemove_FromManyThreads_KeepAnExactCount()
    {
        var sut = new IdleSignal();
        sut.Add(); // held by the test, so the waiter below cannot complete before the workers are done
        var idle = sut.WhenIdle();

        var workers = Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < 20_000; i++)
            {
                sut.Add(2);
                sut.Remove();
                sut.Remove();
            }
        })).ToArray();
        await Task.WhenAll(workers).WaitAsync(Bound);

        Assert.That(sut.Count, Is.EqualTo(1));
        Assert.That(idle.IsCompleted, Is.False, "the test's own unit is still counted");
        sut.Remove();
        await idle.WaitAsync(Bound);
    }
}
