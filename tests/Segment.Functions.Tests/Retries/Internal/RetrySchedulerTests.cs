using System.Collections.Concurrent;
using Microsoft.Extensions.Time.Testing;
using Segment.Functions.Retries.Internal;

namespace Segment.Functions.Tests.Retries.Internal;

[FixtureLifeCycle(LifeCycle.InstancePerTestCase)]
public sealed class RetrySchedulerTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _time = new(Start);
    private readonly ConcurrentQueue<string> _handedBack = new();

    [Test]
    public void Schedule_FutureTime_IsHandedBackAtThatTimeAndNotBefore()
    {
        using var sut = CreateSut();

        sut.Schedule("a", Start.AddSeconds(10));
        _time.Advance(TimeSpan.FromSeconds(10) - TimeSpan.FromMilliseconds(1));

        Assert.That(_handedBack, Is.Empty);
        Assert.That(sut.Count, Is.EqualTo(1));
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.That(_handedBack, Is.EqualTo(new[] { "a" }));
        Assert.That(sut.Count, Is.Zero);
    }

    [TestCase(0)]
    [TestCase(-1)]
    [TestCase(-3_600)]
    public void Schedule_TimeNowOrPast_IsHandedBackAtOnce(int secondsFromNow)
    {
        using var sut = CreateSut();

        sut.Schedule("a", Start.AddSeconds(secondsFromNow));

        Assert.That(_handedBack, Is.EqualTo(new[] { "a" }), "before Schedule returned, without the clock moving");
        Assert.That(sut.Count, Is.Zero);
    }

    [Test]
    public void Schedule_InAnyOrder_HandsBackInDueOrder()
    {
        using var sut = CreateSut();

        sut.Schedule("at 30", Start.AddSeconds(30));
        sut.Schedule("at 10", Start.AddSeconds(10));
        sut.Schedule("at 20", Start.AddSeconds(20));
        Assert.That(sut.Count, Is.EqualTo(3));

        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.That(_handedBack, Is.EqualTo(new[] { "at 10" }), "an earlier time scheduled later moved the timer forward");
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.That(_handedBack, Is.EqualTo(new[] { "at 10", "at 20" }));
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.That(_handedBack, Is.EqualTo(new[] { "at 10", "at 20", "at 30" }));
    }

    [Test]
    public void Schedule_SameTime_HandsAllBackTogether()
    {
        using var sut = CreateSut();

        sut.Schedule("a", Start.AddMinutes(1));
        sut.Schedule("b", Start.AddMinutes(1));
        sut.Schedule("c", Start.AddMinutes(1));
        _time.Advance(TimeSpan.FromMinutes(1));

        Assert.That(_handedBack, Is.EquivalentTo(new[] { "a", "b", "c" }));
    }

    [Test]
    public void Schedule_SeveralDueByOneJump_HandsEachBackOnce()
    {
        using var sut = CreateSut();
        for (var i = 1; i <= 50; i++)
        {
            sut.Schedule($"e{i}", Start.AddSeconds(i));
        }

        _time.Advance(TimeSpan.FromHours(1));

        Assert.That(_handedBack, Is.EqualTo(Enumerable.Range(1, 50).Select(i => $"e{i}")));
        Assert.That(sut.Count, Is.Zero);
    }

    [TestCase(3)]
    [TestCase(100)]
    public void Schedule_DaysAhead_IsHeldUntilItsTime(int days)
    {
        // Beyond a single timer's reach (~49 days) the wait is taken in steps; none of them hands the event back early.
        using var sut = CreateSut();
        var due = Start.AddDays(days);

        sut.Schedule("far", due);
        _time.Advance(TimeSpan.FromDays(1));
        Assert.That(_handedBack, Is.Empty);
        _time.Advance(due - _time.GetUtcNow() - TimeSpan.FromSeconds(1));
        Assert.That(_handedBack, Is.Empty, "a second before its time");

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.That(_handedBack, Is.EqualTo(new[] { "far" }));
    }

    [Test]
    public void Schedule_NearAfterFar_IsNotHeldBehindTheFarOne()
    {
        using var sut = CreateSut();

        sut.Schedule("far", Start.AddDays(10));
        sut.Schedule("near", Start.AddSeconds(5));
        _time.Advance(TimeSpan.FromSeconds(5));

        Assert.That(_handedBack, Is.EqualTo(new[] { "near" }));
        Assert.That(sut.Count, Is.EqualTo(1));
    }

    [Test]
    public void Dispose_WithEventsWaiting_HandsNothingBackLater()
    {
        var sut = CreateSut();
        sut.Schedule("a", Start.AddSeconds(10));

        sut.Dispose();
        _time.Advance(TimeSpan.FromMinutes(1));

        Assert.That(_handedBack, Is.Empty);
        Assert.That(sut.Count, Is.EqualTo(1), "what was waiting is still counted, so a stop can report it");
    }

    [Test]
    public void Schedule_FromTheCallback_IsHandedBackInItsTurn()
    {
        // The host's retry path may schedule again from the callback: the timer must be armed anew for it.
        RetryScheduler<string>? sut = null;
        var seen = new List<string>();
        sut = new RetryScheduler<string>(_time, item =>
        {
            seen.Add(item);
            if (item == "first")
            {
                sut!.Schedule("second", _time.GetUtcNow().AddSeconds(1));
            }
        });
        using (sut)
        {
            sut.Schedule("first", Start.AddSeconds(1));
            _time.Advance(TimeSpan.FromSeconds(1));
            Assert.That(seen, Is.EqualTo(new[] { "first" }), "the second is a second later");
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.That(seen, Is.EqualTo(new[] { "first", "second" }));
    }

    [Test]
    public async Task Schedule_FromManyThreadsWhileTheClockMoves_HandsEveryEventBackExactlyOnce()
    {
        using var sut = CreateSut();
        const int Threads = 4;
        const int PerThread = 500;
        using var done = new CancellationTokenSource();
        var clock = Task.Run(() =>
        {
            while (!done.IsCancellationRequested)
            {
                _time.Advance(TimeSpan.FromMilliseconds(100));
            }
        });

        var schedulers = Enumerable.Range(0, Threads).Select(t => Task.Run(() =>
        {
            var random = new Random(t);
            for (var i = 0; i < PerThread; i++)
            {
                // Some already due, most in the next minute.
                sut.Schedule($"{t}-{i}", _time.GetUtcNow().AddMilliseconds(random.Next(-1_000, 60_000)));
            }
        })).ToArray();
        await Task.WhenAll(schedulers).WaitAsync(TimeSpan.FromSeconds(30));
        await done.CancelAsync();
        await clock.WaitAsync(TimeSpan.FromSeconds(30));
        _time.Advance(TimeSpan.FromMinutes(2));

        Assert.That(_handedBack, Has.Count.EqualTo(Threads * PerThread));
        Assert.That(_handedBack, Is.Unique);
        Assert.That(sut.Count, Is.Zero);
    }

    private RetryScheduler<string> CreateSut() => new(_time, _handedBack.Enqueue);
}
