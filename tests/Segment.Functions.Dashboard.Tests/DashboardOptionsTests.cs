using Segment.Functions.Dashboard.Internal;

namespace Segment.Functions.Dashboard.Tests;

public sealed class DashboardOptionsTests
{
    [Test]
    public void Defaults()
    {
        var options = new SegmentFunctionsDashboardOptions();

        Assert.That(options.PageSize, Is.EqualTo(25));
        Assert.That(options.RefreshInterval, Is.EqualTo(TimeSpan.FromSeconds(10)));
        Assert.That(options.RecordsRead, Is.EqualTo(10_000));
        Assert.That(new SegmentFunctionsDashboardOptionsValidator().Validate(null, options).Succeeded, Is.True);
    }

    [Test]
    public void OutOfRange_IsRefusedNamingTheField()
    {
        var options = new SegmentFunctionsDashboardOptions { PageSize = 1, RefreshInterval = TimeSpan.Zero, RecordsRead = 5 };

        var result = new SegmentFunctionsDashboardOptionsValidator().Validate(null, options);

        Assert.That(result.Failed, Is.True);
        Assert.That(result.FailureMessage, Is.EqualTo(
            "PageSize: The field SegmentFunctionsDashboardOptions.PageSize must be between 5 and 500.; " +
            "RefreshInterval: The field SegmentFunctionsDashboardOptions.RefreshInterval must be between 00:00:02 and 01:00:00.; " +
            "RecordsRead: The field SegmentFunctionsDashboardOptions.RecordsRead must be between 100 and 1000000."));
    }
}
