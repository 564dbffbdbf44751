using Segment.Functions.Tests.Hosting;

namespace Segment.Functions.Tests.Events;

public sealed class EventParseOptionsTests
{
    [Test]
    public void Ctor_Defaults_AreTheDocumentedValues()
    {
        var options = new EventParseOptions();

        Assert.Multiple(() =>
        {
            Assert.That(options.MaxEventBytes, Is.EqualTo(32 * 1024));
            Assert.That(options.MaxDepth, Is.EqualTo(64));
            Assert.That(EventParseOptions.Default.MaxEventBytes, Is.EqualTo(32 * 1024));
            Assert.That(EventParseOptions.Default.MaxDepth, Is.EqualTo(64));
        });
    }

    [Test]
    public void HostStart_LimitsOutOfRange_FailWithTheExactMessages()
    {
        var error = HostStartup.Fails(o => o.Parsing = new EventParseOptions { MaxEventBytes = 63, MaxDepth = 1001 });

        Assert.That(error.Failures, Is.EquivalentTo(new[]
        {
            "MaxEventBytes: The field SegmentFunctionsOptions.Parsing.MaxEventBytes must be between 64 and 16777216.",
            "MaxDepth: The field SegmentFunctionsOptions.Parsing.MaxDepth must be between 2 and 1000.",
        }));
    }
}
