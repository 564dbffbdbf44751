using System.Collections.Concurrent;
using Segment.Functions.Delivery;

namespace Sample;

/// <summary>
/// What the sample's summary needs beyond the host's counts: the time from an event's acceptance to
/// its final record, and how many events needed more than one attempt. A delivery observer (an
/// <see cref="IDeliveryObserver"/> sees every record as it is decided), registered beside the
/// default in-memory store.
/// </summary>
public sealed class DeliverySummary : IDeliveryObserver
{
    private readonly ConcurrentDictionary<string, ConcurrentBag<double>> _latencies = new();
    private readonly ConcurrentDictionary<string, int> _retried = new();

    /// <summary>The latest input rejected as invalid, for an example in the summary.</summary>
    public DeliveryRecord? LatestRejected { get; private set; }

    public void OnRecorded(DeliveryRecord record)
    {
        if (record.Destination == DeliveryRecord.RejectedInput)
        {
            LatestRejected = record;
            return;
        }

        if (!record.IsTerminal || record.Attempts == 0)
        {
            return;
        }

        if (record.Attempts > 1)
        {
            _retried.AddOrUpdate(record.Destination, 1, static (_, n) => n + 1);
        }

        _latencies.GetOrAdd(record.Destination, static _ => []).Add((record.LastAttemptAt - record.AcceptedAt).TotalMilliseconds);
    }

    /// <summary>Events of the destination that reached a final outcome after more than one attempt.</summary>
    public int Retried(string destination) => _retried.GetValueOrDefault(destination);

    /// <summary>The <paramref name="percentile"/> (0–100) of acceptance-to-final-record times, in ms; null without data.</summary>
    public double? Latency(string destination, double percentile)
    {
        if (!_latencies.TryGetValue(destination, out var bag) || bag.IsEmpty)
        {
            return null;
        }

        var sorted = bag.Order().ToArray();
        return sorted[Math.Clamp((int)Math.Ceiling(percentile / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];
    }
}
