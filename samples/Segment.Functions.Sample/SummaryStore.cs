using System.Collections.Concurrent;
using System.Diagnostics;
using Segment.Functions;
using Segment.Functions.Delivery;

namespace Sample;

/// <summary>
/// The in-memory delivery store, plus what the sample's summary needs: the time from sending an
/// event to its final record, and how many events needed more than one attempt. Shows that the
/// store is an extension point: register any <see cref="IDeliveryStore"/>.
/// </summary>
public sealed class SummaryStore : IDeliveryStore
{
    private readonly InMemoryDeliveryStore _inner = new();
    private readonly ConcurrentDictionary<string, long> _sentAt = new();
    private readonly ConcurrentDictionary<string, ConcurrentBag<double>> _latencies = new();
    private readonly ConcurrentDictionary<string, int> _retried = new();

    /// <summary>Notes when an event was handed to the host.</summary>
    public void Sent(string messageId) => _sentAt[messageId] = Stopwatch.GetTimestamp();

    public void Record(DeliveryRecord record)
    {
        _inner.Record(record);
        if (!record.IsTerminal || record.Attempts == 0)
        {
            return;
        }

        if (record.Attempts > 1)
        {
            _retried.AddOrUpdate(record.Destination, 1, static (_, n) => n + 1);
        }

        if (_sentAt.TryGetValue(record.MessageId, out var sent))
        {
            _latencies.GetOrAdd(record.Destination, static _ => []).Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
        }
    }

    public IReadOnlyList<DeliveryRecord> Recent(string destination, int limit = 100) => _inner.Recent(destination, limit);

    public DeliveryCounts Counts(string destination) => _inner.Counts(destination);

    /// <summary>Events of the destination that reached a final outcome after more than one attempt.</summary>
    public int Retried(string destination) => _retried.GetValueOrDefault(destination);

    /// <summary>The <paramref name="percentile"/> (0–100) of send-to-final-record times, in ms; null without data.</summary>
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
