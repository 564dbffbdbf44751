using Segment.Functions.Delivery;

namespace Segment.Functions.Dashboard.Internal;

internal static class DashboardRecords
{
    /// <summary>
    /// The latest record of each event, newest first: a store may keep one record per attempt (the
    /// in-memory store does), and an event is listed once, in its latest state.
    /// </summary>
    public static List<DeliveryRecord> Latest(IReadOnlyList<DeliveryRecord> newestFirst)
    {
        var seen = new HashSet<long>();
        var latest = new List<DeliveryRecord>(newestFirst.Count);
        foreach (var record in newestFirst)
        {
            if (seen.Add(record.Sequence))
            {
                latest.Add(record);
            }
        }

        return latest;
    }
}
