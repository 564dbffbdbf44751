using Segment.Functions.Delivery;
using Segment.Functions.Delivery.Internal;

namespace Segment.Functions.Tests.Delivery.Internal;

public sealed class FailureWindowTests
{
    [Test]
    public void Snapshot_NothingAdded_IsZeroAttempts()
    {
        var sut = new FailureWindow(10);

        Assert.That(sut.Snapshot(), Is.EqualTo((0, 0)));
    }

    [Test]
    public void Snapshot_FewerAttemptsThanTheWindow_CountsEveryOne()
    {
        var sut = new FailureWindow(10);

        sut.Add(failed: true);
        sut.Add(failed: false);
        sut.Add(failed: true);

        Assert.That(sut.Snapshot(), Is.EqualTo((3, 2)));
    }

    // Each string is a run of attempts, oldest first: F failed, P passed; the window keeps the last three.
    [TestCase("FFF", 3, 3)]
    [TestCase("FFFP", 3, 2)]
    [TestCase("FFFPPP", 3, 0)]
    [TestCase("PPPF", 3, 1)]
    [TestCase("FPFPFPF", 3, 2)]
    [TestCase("PPPPPPPPPPF", 3, 1)]
    public void Snapshot_MoreAttemptsThanTheWindow_CountsOnlyTheMostRecent(string attempts, int expectedAttempts, int expectedFailures)
    {
        var sut = new FailureWindow(3);

        foreach (var attempt in attempts)
        {
            sut.Add(failed: attempt == 'F');
        }

        Assert.That(sut.Snapshot(), Is.EqualTo((expectedAttempts, expectedFailures)));
    }

    [Test]
    public void Snapshot_WindowOfOne_IsTheLastAttempt()
    {
        var sut = new FailureWindow(1);

        sut.Add(failed: true);
        Assert.That(sut.Snapshot(), Is.EqualTo((1, 1)));
        sut.Add(failed: false);
        Assert.That(sut.Snapshot(), Is.EqualTo((1, 0)));
    }

    // What the health check counts against a destination (HealthOptions' remarks): retries, expiries,
    // timeouts, unknown errors and invalid settings; not the discards that are the event's own fault.
    [TestCase(OutcomeKind.Delivered, OutcomeReason.None, false)]
    [TestCase(OutcomeKind.Discarded, OutcomeReason.UnsupportedEventType, false)]
    [TestCase(OutcomeKind.Discarded, OutcomeReason.BadRequest, false)]
    [TestCase(OutcomeKind.Discarded, OutcomeReason.MessageRejected, false)]
    [TestCase(OutcomeKind.Discarded, OutcomeReason.InvalidSettings, true)]
    [TestCase(OutcomeKind.Discarded, OutcomeReason.UnknownError, true)]
    [TestCase(OutcomeKind.Discarded, OutcomeReason.Timeout, true)]
    [TestCase(OutcomeKind.Retry, OutcomeReason.Retry, true)]
    [TestCase(OutcomeKind.Retry, OutcomeReason.Timeout, true)]
    public void IsFailure_Outcome_CountsAgainstTheDestinationOnlyWhenItsFault(OutcomeKind kind, OutcomeReason reason, bool expected)
    {
        Assert.That(FailureWindow.IsFailure(new EventOutcome(kind, reason)), Is.EqualTo(expected));
    }

    [Test]
    public async Task Add_FromManyThreads_LosesNoMark()
    {
        const int Threads = 4;
        const int PerThread = 25_000;
        var sut = new FailureWindow(Threads * PerThread);

        var workers = Enumerable.Range(0, Threads).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < PerThread; i++)
            {
                sut.Add(failed: i % 4 == 0);
            }
        })).ToArray();
        await Task.WhenAll(workers).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.That(sut.Snapshot(), Is.EqualTo((Threads * PerThread, Threads * PerThread / 4)));
    }

    [Test]
    public async Task Snapshot_WhileOtherThreadsAdd_IsAlwaysConsistent()
    {
        const int Size = 64;
        var sut = new FailureWindow(Size);
        for (var i = 0; i < Size; i++)
        {
            sut.Add(failed: false);
        }

        using var stop = new CancellationTokenSource();
        using var writing = new CountdownEvent(2);
        var writers = Enumerable.Range(0, 2).Select(t => Task.Run(() =>
        {
            writing.Signal();
            while (!stop.IsCancellationRequested)
            {
                sut.Add(failed: t == 0);
            }
        })).ToArray();
        Assert.That(writing.Wait(TimeSpan.FromSeconds(10)), Is.True, "both writers started");

        var inconsistent = 0;
        for (var i = 0; i < 20_000; i++)
        {
            var (attempts, failures) = sut.Snapshot();
            if (attempts != Size || failures < 0 || failures > Size)
            {
                inconsistent++;
            }
        }

        await stop.CancelAsync();
        await Task.WhenAll(writers).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.That(inconsistent, Is.Zero);
    }
}
