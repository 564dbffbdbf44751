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
    public void NextAttempt_PastTheRetryWindow_IsNullSoTheEventExpires()
    {
        var sut = new RetryBackoff(new RetryOptions(), () => 1.0);
        var now = Start + TimeSpan.FromHours(4) - TimeSpan.FromMinutes(5);

        Assert.That(sut.NextAttempt(20, Start, now), Is.Null, "a 10 min wait would end after the 4 h window");
        Assert.That(sut.NextAttempt(2, Start, now), Is.EqualTo(now + TimeSpan.FromSeconds(2)));
    }
}
