using Segment.Functions.Delivery;
using Segment.Functions.Tests.Hosting;

namespace Segment.Functions.Tests.Delivery;

public sealed class HealthOptionsTests
{
    [Test]
    public void Ctor_Defaults_AreTheDocumentedValues()
    {
        var options = new HealthOptions();

        Assert.Multiple(() =>
        {
            Assert.That(options.Window, Is.EqualTo(100));
            Assert.That(options.MinimumAttempts, Is.EqualTo(10));
            Assert.That(options.DegradedFailureRatio, Is.EqualTo(0.2));
            Assert.That(options.UnhealthyFailureRatio, Is.EqualTo(0.5));
        });
    }

    [Test]
    public void HostStart_WindowZero_FailsWithTheExactMessage()
    {
        var error = HostStartup.Fails(o => o.Health = new HealthOptions { Window = 0, MinimumAttempts = 0 });

        Assert.That(error.Failures, Is.EquivalentTo(new[]
        {
            "Window: The field SegmentFunctionsOptions.Health.Window must be between 1 and 100000.",
            "MinimumAttempts: The field SegmentFunctionsOptions.Health.MinimumAttempts must be between 1 and 100000.",
        }));
    }

    [Test]
    public void HostStart_ThresholdsOutOfOrder_NameBothOptionsAndValues()
    {
        var error = HostStartup.Fails(o => o.Health = new HealthOptions { Window = 20, MinimumAttempts = 30, DegradedFailureRatio = 0.5, UnhealthyFailureRatio = 0.25 });

        Assert.That(error.Failures, Is.EquivalentTo(new[]
        {
            "SegmentFunctionsOptions.Health.MinimumAttempts (30) must be at most SegmentFunctionsOptions.Health.Window (20).",
            "SegmentFunctionsOptions.Health.UnhealthyFailureRatio (0.25) must be at least SegmentFunctionsOptions.Health.DegradedFailureRatio (0.5).",
        }));
    }

    [Test]
    public void HostStart_ZeroFailureRatio_SaysTheMinimumIsExclusive()
    {
        var error = HostStartup.Fails(o => o.Health.DegradedFailureRatio = 0);

        Assert.That(error.Message, Does.StartWith("DegradedFailureRatio: The field SegmentFunctionsOptions.Health.DegradedFailureRatio must be between 0 exclusive and 1"));
    }
}
