using System.Collections.Concurrent;

namespace Segment.Functions.Delivery;

/// <summary>
/// The embedded default store: counts every outcome, and keeps the most recent records of each
/// destination up to <see cref="MaxRecordsPerDestination"/> (older ones are dropped, counts stay).
/// </summary>
public sealed class InMemoryDeliveryStore : IDeliveryStore
{
    private readonly ConcurrentDictionary<string, DestinationLog> _destinations = new(StringComparer.Ordinal);

    /// <summary>Creates the store.</summary>
    public InMemoryDeliveryStore()
        : this(10_000)
    {
    }

    /// <summary>Creates the store.</summary>
    /// <param name="maxRecordsPerDestination">How many recent records to keep per destination.</param>
    public InMemoryDeliveryStore(int maxRecordsPerDestination)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRecordsPerDestination, 1);
        MaxRecordsPerDestination = maxRecordsPerDestination;
    }

    /// <summary>How many recent records are kept per destination.</summary>
    public int MaxRecordsPerDestination { get; }

    /// <inheritdoc/>
    public void Record(DeliveryRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        _destinations.GetOrAdd(record.Destination, static (_, max) => new DestinationLog(max), MaxRecordsPerDestination).Add(record);
    }

    /// <inheritdoc/>
    public IReadOnlyList<DeliveryRecord> Recent(string destination, int limit) =>
        _destinations.TryGetValue(destination, out var log) ? log.Recent(limit) : [];

    /// <inheritdoc/>
    public DeliveryCounts Counts(string destination) =>
        _destinations.TryGetValue(destination, out var log) ? log.Counts() : new DeliveryCounts(0, new Dictionary<OutcomeReason, long>(), 0, 0);

    private sealed class DestinationLog(int max)
    {
        private readonly Lock _gate = new();
        private readonly Queue<DeliveryRecord> _recent = new();
        private readonly Dictionary<OutcomeReason, long> _discarded = [];
        // Events (by sequence) whose latest record is a retry, so a later record moves them out of "retrying".
        private readonly HashSet<long> _retrying = [];
        private long _delivered;
        private long _expired;

        public void Add(DeliveryRecord record)
        {
            lock (_gate)
            {
                _retrying.Remove(record.Sequence);
                switch (record.State)
                {
                    case DeliveryState.Delivered:
                        _delivered++;
                        break;
                    case DeliveryState.Discarded:
                        _discarded[record.Reason] = _discarded.GetValueOrDefault(record.Reason) + 1;
                        break;
                    case DeliveryState.Expired:
                        _expired++;
                        break;
                    case DeliveryState.Retrying:
                        _retrying.Add(record.Sequence);
                        break;
                }

                _recent.Enqueue(record);
                while (_recent.Count > max)
                {
                    _recent.Dequeue();
                }
            }
        }

        public IReadOnlyList<DeliveryRecord> Recent(int limit)
        {
            lock (_gate)
            {
                return _recent.Reverse().Take(limit).ToArray();
            }
        }

        public DeliveryCounts Counts()
        {
            lock (_gate)
            {
                return new DeliveryCounts(_delivered, new Dictionary<OutcomeReason, long>(_discarded), _retrying.Count, _expired);
            }
        }
    }
}
