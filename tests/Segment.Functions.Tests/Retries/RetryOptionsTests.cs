using Segment.Functions.Retries;
using Segment.Functions.Tests.Hosting;

namespace Segment.Functions.Tests.Retries;

public sealed class RetryOptionsTests
{
    [Test]
    public void Ctor_Defaults_AreTheDocumentedValues()
    {
        var options = new RetryOptions();

        Assert.Multiple(() =>
        {
            Assert.That(options.InitialDelay, Is.EqualTo(TimeSpan.FromSeconds(1)));
            Assert.That(options.Multiplier, Is.EqualTo(2.0));
            Assert.That(options.MaxDelay, Is.EqualTo(TimeSpan.FromMinutes(10)));
            Assert.That(options.RetryWindow, Is.EqualTo(TimeSpan.FromHours(4)));
        });
    }

    [Test]
    public void HostStart_RetryWindowOver30Days_FailsWithTheExactMessage()
    {
        var error = HostStartup.Fails(o => o.Retry.RetryWindow = TimeSpan.FromDays(31));

        Assert.That(error.Message, Is.EqualTo("RetryWindow: The field SegmentFunctionsOptions.Retry.RetryWindow must be between 00:00:00.0010000 and 30.00:00:00."));
    }

    [Test]
    public void HostStart_MaxDelayBelowInitialDelay_NamesBothOptionsAndValues()
    {
        var error = HostStartup.Fails(o =>
        {
            o.Retry.InitialDelay = TimeSpan.FromSeconds(5);
            o.Retry.MaxDelay = TimeSpan.FromSeconds(1);
        });

        Assert.That(error.Message, Is.EqualTo("SegmentFunctionsOptions.Retry.MaxDelay (00:00:01) must be at least SegmentFunctionsOptions.Retry.InitialDelay (00:00:05)."));
    }

    [Test]
    public void HostStart_ZeroDelayAndMultiplierBelowOne_NameEachOption()
    {
        var error = HostStartup.Fails(o =>
        {
            o.Retry.InitialDelay = TimeSpan.Zero;
            o.Retry.Multiplier = 0.5;
        });

        Assert.That(error.Failures, Is.EquivalentTo(new[]
        {
            "InitialDelay: The field SegmentFunctionsOptions.Retry.InitialDelay must be between 00:00:00.0010000 and 1.00:00:00.",
            "Multiplier: The field SegmentFunctionsOptions.Retry.Multiplier must be between 1 and 10.",
        }));
    }
}
