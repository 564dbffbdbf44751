using Microsoft.Extensions.Time.Testing;
using Segment.Functions.Pipeline.Internal;

namespace Segment.Functions.Tests.Pipeline;

public sealed class ClaimSizesTests
{
    [Test]
    public void Batching_AlwaysAWholeBatch()
    {
        var sizes = ClaimSizes.For(batching: true, batchSize: 400);
        var time = new FakeTimeProvider();

        Assert.That(sizes.Next(0, time), Is.EqualTo(400));
        time.Advance(TimeSpan.FromSeconds(5));
        Assert.That(sizes.Next(3, time), Is.EqualTo(400));
        Assert.That(sizes.Largest, Is.EqualTo(400));
    }

    [Test]
    public void SingleEvent_FollowsAboutOneSecondOfWhatItSettles_WithinMinAndMax()
    {
        var sizes = ClaimSizes.For(batching: false, batchSize: 20);
        var time = new FakeTimeProvider();

        Assert.That(sizes.Next(0, time), Is.EqualTo(ClaimSizes.Min), "starts small");
        time.Advance(TimeSpan.FromMilliseconds(500));
        Assert.That(sizes.Next(10_000, time), Is.EqualTo(ClaimSizes.Min), "judged once a second");
        time.Advance(TimeSpan.FromMilliseconds(500));
        Assert.That(sizes.Next(20_000, time), Is.EqualTo(ClaimSizes.Max), "a fast destination claims the most");
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.That(sizes.Next(20_600, time), Is.EqualTo(300), "300 a second: 300 at a time");
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.That(sizes.Next(20_610, time), Is.EqualTo(ClaimSizes.Min), "a slow one the least");
        Assert.That(sizes.Largest, Is.EqualTo(ClaimSizes.Max));
    }
}
