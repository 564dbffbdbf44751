using Segment.Functions;
using Segment.Functions.Delivery;
using Segment.Functions.Hosting;

namespace Sample;

/// <summary>The delivery summary per destination, like Segment's Event Delivery page.</summary>
public static class Summary
{
    /// <summary>Prints the summary; called after the host stopped, so what a destination still holds was left pending at the stop.</summary>
    public static void Print(ISegmentFunctions functions, DeliverySummary summary)
    {
        Console.WriteLine($"{"destination",-18} {"delivered",9} {"discarded",9} {"retried",8} {"expired",8} {"p50 ms",8} {"p99 ms",8}");
        foreach (var destination in functions.Destinations)
        {
            var counts = functions.GetCounts(destination);
            Console.WriteLine($"{destination,-18} {counts.Delivered,9} {counts.DiscardedTotal,9} {summary.Retried(destination),8} {counts.Expired,8} {Ms(summary.Latency(destination, 50)),8} {Ms(summary.Latency(destination, 99)),8}");
            foreach (var (reason, count) in counts.Discarded.OrderByDescending(d => d.Value))
            {
                Console.WriteLine($"{"",-18}   discarded {count} × {reason.ToDisplayText()}");
            }

            var left = functions.GetStatus(destination);
            Console.WriteLine($"{"",-18}   pending at stop: {left.Queued} queued, {left.InFlight} in flight, {left.WaitingForRetry} waiting for retry");
        }

        var rejected = functions.GetCounts(DeliveryRecord.RejectedInput).DiscardedTotal;
        Console.WriteLine($"{"(rejected input)",-18} {rejected,9} invalid events, answered SendStatus.Invalid and recorded");
        if (summary.LatestRejected is { } example)
        {
            Console.WriteLine($"{"",-18}   e.g. {example.Error?.Message}");
        }
    }

    private static string Ms(double? value) => value is { } ms ? ms.ToString("0") : "-";
}
