using Segment.Functions.Pipeline.Internal;
using static Segment.Functions.Tests.Pipeline.PartTesting;

namespace Segment.Functions.Tests.Pipeline;

/// <summary>A destination's own threads, on real threads: started lazily, never more than the budget, awaits come back to them.</summary>
public sealed class DestinationThreadsTests
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(30);

    [Test]
    public async Task NoWork_NoThread_FirstTaskStartsOneNamedAfterTheDestination()
    {
        using var threads = new DestinationThreads("shop", budget: 4);
        Assert.That(threads.Threads, Is.Zero, "threads start when work arrives");

        var name = await Run(threads, () => Thread.CurrentThread.Name).WaitAsync(Guard, TimeProvider.System);

        Assert.That(name, Is.EqualTo("Segment.Functions shop"));
        Assert.That(threads.Threads, Is.EqualTo(1));
    }

    [Test]
    public async Task BlockingTasks_NeverRunMoreThanTheBudgetAtOnce()
    {
        using var threads = new DestinationThreads("d", budget: 2);
        using var release = new ManualResetEventSlim();
        var running = 0;
        var most = 0;
        var twoRunning = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var tasks = Enumerable.Range(0, 5).Select(_ => Run(threads, () =>
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref most, now);
            if (now == 2)
            {
                twoRunning.TrySetResult();
            }

            // Blocks its thread, as a misbehaving handler does.
            release.Wait(Guard);
            Interlocked.Decrement(ref running);
            return 0;
        })).ToArray();
        await twoRunning.Task.WaitAsync(Guard, TimeProvider.System);

        Assert.That(tasks.Count(t => t.IsCompleted), Is.Zero);
        Assert.That(threads.Threads, Is.EqualTo(2));
        release.Set();
        await Task.WhenAll(tasks).WaitAsync(Guard, TimeProvider.System);
        Assert.That(most, Is.EqualTo(2));
        Assert.That(threads.Threads, Is.EqualTo(2), "no thread beyond the budget was started");
    }

    [Test]
    public async Task AdjustBudget_AllowsOneMoreThreadWhileTheOthersBlock()
    {
        using var threads = new DestinationThreads("d", budget: 1);
        using var release = new ManualResetEventSlim();
        var blocked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var blocker = Run(threads, () =>
        {
            blocked.TrySetResult();
            release.Wait(Guard);
            return 0;
        });
        await blocked.Task.WaitAsync(Guard, TimeProvider.System);
        var next = Run(threads, () => 1);
        Assert.That(next.IsCompleted, Is.False, "the only thread is blocked");

        threads.AdjustBudget(1);

        Assert.That(await next.WaitAsync(Guard, TimeProvider.System), Is.EqualTo(1));
        Assert.That(threads.Budget, Is.EqualTo(2));
        Assert.That(threads.Threads, Is.EqualTo(2));
        release.Set();
        await blocker.WaitAsync(Guard, TimeProvider.System);
    }

    [Test]
    public async Task AwaitsInATask_ComeBackToTheDestinationsThreads()
    {
        using var threads = new DestinationThreads("d", budget: 2);

        var names = await Task.Factory.StartNew(
            async () =>
            {
                var before = Thread.CurrentThread.Name;
                await Task.Yield();
                // Completed on a thread-pool thread: the continuation still comes back here.
                var elsewhere = new TaskCompletionSource();
                _ = Task.Run(elsewhere.SetResult);
                await elsewhere.Task.ConfigureAwait(true);
                return (before, after: Thread.CurrentThread.Name);
            },
            CancellationToken.None,
            TaskCreationOptions.None,
            threads).Unwrap().WaitAsync(Guard, TimeProvider.System);

        Assert.That(names.before, Is.EqualTo("Segment.Functions d"));
        Assert.That(names.after, Is.EqualTo("Segment.Functions d"));
    }

    [Test]
    public async Task ManyShortTasks_AllRunOnAtMostTheBudget()
    {
        using var threads = new DestinationThreads("d", budget: 3);
        var ran = 0;

        await Task.WhenAll(Enumerable.Range(0, 10_000).Select(_ => Run(threads, () => Interlocked.Increment(ref ran)))).WaitAsync(Guard, TimeProvider.System);

        Assert.That(ran, Is.EqualTo(10_000));
        Assert.That(threads.Threads, Is.InRange(1, 3));
    }

    private static Task<T> Run<T>(DestinationThreads threads, Func<T> work) =>
        Task.Factory.StartNew(work, CancellationToken.None, TaskCreationOptions.None, threads);
}
