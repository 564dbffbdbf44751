using System.ComponentModel.DataAnnotations;
using Segment.Functions.Dashboard.Internal;

namespace Segment.Functions.Dashboard;

/// <summary>Options of the delivery dashboard (<c>app.MapSegmentFunctionsDashboard("/functions")</c>), checked when the host starts.</summary>
public sealed class SegmentFunctionsDashboardOptions
{
    /// <summary>How many failures one page of a destination's Event Delivery list shows.</summary>
    /// <value>25; between 5 and 500.</value>
    [Range(DashboardConstants.MinPageSize, DashboardConstants.MaxPageSize)]
    public int PageSize { get; set; } = DashboardConstants.DefaultPageSize;

    /// <summary>How often the overview reloads itself (a <c>meta refresh</c>: no script needed).</summary>
    /// <value>10 seconds; between 2 seconds and 1 hour.</value>
    [Range(typeof(TimeSpan), DashboardConstants.MinRefresh, DashboardConstants.MaxRefresh)]
    public TimeSpan RefreshInterval { get; set; } = DashboardConstants.DefaultRefreshInterval;

    /// <summary>
    /// How many of a destination's most recent records a page reads from the <c>IDeliveryStore</c>:
    /// the chart, the counts for a period, the failure list and the search cover these records
    /// (the totals come from the store's counts and are not limited).
    /// </summary>
    /// <value>10,000; between 100 and 1,000,000.</value>
    [Range(DashboardConstants.MinRecordsRead, DashboardConstants.MaxRecordsRead)]
    public int RecordsRead { get; set; } = DashboardConstants.DefaultRecordsRead;
}
