using Segment.Functions.Batching;
using Segment.Functions.Tests.Hosting;

namespace Segment.Functions.Tests.Batching;

public sealed class BatchingOptionsTests
{
    [Test]
    public void Ctor_Defaults_AreTheDocumentedValues()
    {
        var options = new BatchingOptions();

        Assert.Multiple(() =>
        {
            Assert.That(options.MaxSize, Is.EqualTo(20));
            Assert.That(options.MaxWait, Is.EqualTo(TimeSpan.FromSeconds(10)));
            Assert.That(options.LowVolumeEventsPerSecond, Is.EqualTo(1.0));
            Assert.That(BatchingOptions.Limit, Is.EqualTo(400));
        });
    }

    [Test]
    public void HostStart_MaxSizeOverSegmentsLimit_FailsWithTheExactMessage()
    {
        var error = HostStartup.Fails(o => o.Batching.MaxSize = 401);

        Assert.That(error.Message, Is.EqualTo("MaxSize: The field SegmentFunctionsOptions.Batching.MaxSize must be between 1 and 400."));
    }

    [Test]
    public void HostStart_WaitAndRateOutOfRange_NameEachOption()
    {
        var error = HostStartup.Fails(o =>
        {
            o.Batching.MaxWait = TimeSpan.FromHours(2);
            o.Batching.LowVolumeEventsPerSecond = double.NaN;
        });

        Assert.That(error.Failures.Count(), Is.EqualTo(2));
        Assert.That(error.Failures, Has.Some.StartsWith("MaxWait: The field SegmentFunctionsOptions.Batching.MaxWait must be between 00:00:00.0010000 and 01:00:00"));
        Assert.That(error.Failures, Has.Some.StartsWith("LowVolumeEventsPerSecond: The field SegmentFunctionsOptions.Batching.LowVolumeEventsPerSecond must be between 0 and "));
    }
}
