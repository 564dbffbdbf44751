using Segment.Functions.Tests.Hosting;

namespace Segment.Functions.Tests.Caching;

public sealed class FunctionCacheOptionsTests
{
    [Test]
    public void Ctor_Defaults_AreTheDocumentedValues()
    {
        Assert.That(new FunctionCacheOptions().SizeLimit, Is.EqualTo(10_000));
    }

    [TestCase(0L)]
    [TestCase(3_000_000_000L)]
    public void HostStart_SizeLimitOutOfRange_FailsWithTheExactMessage(long sizeLimit)
    {
        var error = HostStartup.Fails(o => o.Cache.SizeLimit = sizeLimit);

        Assert.That(error.Message, Is.EqualTo("SizeLimit: The field SegmentFunctionsOptions.Cache.SizeLimit must be between 1 and 2147483647."));
    }
}
