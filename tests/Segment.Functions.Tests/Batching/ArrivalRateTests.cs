using Microsoft.Extensions.Time.Testing;
using Segment.Functions.Batching.Internal;

namespace Segment.Functions.Tests.Batching;

public sealed class ArrivalRateTests
{
    [Test]
    public void PerSecond_IsTheAverageOverTheLastTenSeconds()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var sut = new ArrivalRate(time);

        for (var i = 0; i < 20; i++)
        {
            sut.Record();
        }

        Assert.That(sut.PerSecond, Is.EqualTo(2.0));
        time.Advance(TimeSpan.FromSeconds(5));
        sut.Record();
        Assert.That(sut.PerSecond, Is.EqualTo(2.1));
        time.Advance(TimeSpan.FromSeconds(5));
        Assert.That(sut.PerSecond, Is.EqualTo(0.1), "the first second's 20 have left the window");
        time.Advance(TimeSpan.FromMinutes(5));
        Assert.That(sut.PerSecond, Is.Zero);
    }
}
