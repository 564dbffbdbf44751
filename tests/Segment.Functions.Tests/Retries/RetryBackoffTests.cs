using Segment.Functions.Retries;
using Segment.Functions.Retries.Internal;

namespace Segment.Functions.Tests.Retries;

public sealed class RetryBackoffTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Test]
    public void UpperBound_GrowsExponentiallyUpToTheCap()
    {
        var sut = new RetryBackoff(new RetryOptions());

        Assert.That(Enumerable.Range(1, 5).Select(sut.UpperBound), Is.EqualTo(new[] { 1, 2, 4, 8, 16 }.Select(s => TimeSpan.FromSeconds(s))));
        Assert.That(sut.UpperBound(30), Is.EqualTo(TimeSpan.FromMinutes(10)));
    }

    [Test]
    public void NextAttempt_IsRandomizedWithinTheBound()
    {
        var sut = new RetryBackoff(new RetryOptions(), new Random(7).NextDouble);

        var waits = Enumerable.Range(0, 200).Select(_ => sut.NextAttempt(4, Start, Start)!.Value - Start).ToArray();

        Assert.That(waits, Is.All.InRange(TimeSpan.Zero, TimeSpan.FromSeconds(8)));
        Assert.That(waits.Distinct().Count(), Is.GreaterThan(150), "waits are spread, not fixed");
        Assert.That(waits.Max(), Is.GreaterThan(TimeSpan.FromSeconds(6)));
    }

    [Test]
    public void NextAttempt_RetryAfterLongerThanTheBackoff_IsHonoured()
    {
        var sut = new RetryBackoff(new RetryOptions(), () => 0.5);

        var next = sut.NextAttempt(1, Start, Start, retryAfter: TimeSpan.FromSeconds(30));

        Assert.That(next, Is.EqualTo(Start + TimeSpan.FromSeconds(30)));
    }

    [Test]
    public void NextAttempt_AWaitEndingPastTheWindow_IsCutToTheWindowsEnd()
    {
        var sut = new RetryBackoff(new RetryOptions(), () => 1.0);
        var now = Start + TimeSpan.FromHours(4) - TimeSpan.FromMinutes(5);

        Assert.That(sut.NextAttempt(20, Start, now), Is.EqualTo(Start + TimeSpan.FromHours(4)), "a 10 min wait: the last attempt is when the 4 h window closes");
        Assert.That(sut.NextAttempt(2, Start, now), Is.EqualTo(now + TimeSpan.FromSeconds(2)), "a wait inside the window is left as drawn");
    }

    [TestCase(0)]
    [TestCase(1)]
    [TestCase(3600)]
    public void NextAttempt_OnceTheWindowHasPassed_IsNullSoTheEventExpires(int secondsPast)
    {
        var sut = new RetryBackoff(new RetryOptions(), () => 0.0);

        Assert.That(sut.NextAttempt(30, Start, Start + TimeSpan.FromHours(4) + TimeSpan.FromSeconds(secondsPast)), Is.Null);
    }

    [Test]
    public void NextAttempt_RetryAfterReachingPastTheWindow_IsNull()
    {
        var sut = new RetryBackoff(new RetryOptions(), () => 0.0);
        var now = Start + TimeSpan.FromHours(3);

        Assert.That(sut.NextAttempt(5, Start, now, retryAfter: TimeSpan.FromHours(1)), Is.EqualTo(now + TimeSpan.FromHours(1)), "ending with the window is still inside it");
        Assert.That(sut.NextAttempt(5, Start, now, retryAfter: TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1)), Is.Null, "no attempt inside the window can honour it");
    }
}
