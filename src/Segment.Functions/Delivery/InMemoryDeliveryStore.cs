using System.Collections.Concurrent;

namespace Segment.Functions.Delivery;

/// <summary>
/// The embedded default store: keeps the most recent records of each destination up to
/// <see cref="MaxRecordsPerDestination"/> (older ones are dropped; the host's counts are not affected).
/// </summary>
public sealed class InMemoryDeliveryStore : IDeliveryStore
{
    private readonly ConcurrentDictionary<string, DestinationLog> _destinations = new(StringComparer.Ordinal);

    /// <summary>Creates the store, keeping 10,000 records per destination.</summary>
    public InMemoryDeliveryStore()
        : this(10_000)
    {
    }

    /// <summary>Creates the store.</summary>
    /// <param name="maxRecordsPerDestination">How many recent records to keep per destination.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxRecordsPerDestination"/> is less than 1.</exception>
    public InMemoryDeliveryStore(int maxRecordsPerDestination)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRecordsPerDestination, 1);
        MaxRecordsPerDestination = maxRecordsPerDestination;
    }

    /// <summary>How many recent records are kept per destination.</summary>
    public int MaxRecordsPerDestination { get; }

    /// <inheritdoc/>
    public ValueTask RecordAsync(IReadOnlyList<DeliveryRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        for (var i = 0; i < records.Count; i++)
        {
            var record = records[i];
            _destinations.GetOrAdd(record.Destination, static (_, max) => new DestinationLog(max), MaxRecordsPerDestination).Add(record);
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<DeliveryRecord>> QueryAsync(DeliveryQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        IReadOnlyList<DeliveryRecord> found = _destinations.TryGetValue(query.Destination, out var log) ? log.Query(query) : [];
        return ValueTask.FromResult(found);
    }

    private sealed class DestinationLog(int max)
    {
        private readonly Lock _gate = new();
        // A ring (grown up to max): _next is where the next record goes; once full it overwrites the oldest.
        private DeliveryRecord[] _records = new DeliveryRecord[Math.Min(max, 1024)];
        private int _next;
        private int _count;

        public void Add(DeliveryRecord record)
        {
            lock (_gate)
            {
                if (_count == _records.Length && _records.Length < max)
                {
                    // Grow (oldest first) until the ring reaches its full size.
                    var grown = new DeliveryRecord[Math.Min(max, _records.Length * 2)];
                    for (var i = 0; i < _count; i++)
                    {
                        grown[i] = _records[(_next + i) % _records.Length];
                    }

                    _records = grown;
                    _next = _count;
                }

                _records[_next] = record;
                _next = (_next + 1) % _records.Length;
                _count = Math.Min(_count + 1, _records.Length);
            }
        }

        public IReadOnlyList<DeliveryRecord> Query(DeliveryQuery query)
        {
            var found = new List<DeliveryRecord>(Math.Min(query.Limit, 256));
            var skip = query.Skip;
            lock (_gate)
            {
                for (var i = 1; i <= _count && found.Count < query.Limit; i++)
                {
                    var record = _records[(_next - i + _records.Length) % _records.Length];
                    if (query.Matches(record) && skip-- <= 0)
                    {
                        found.Add(record);
                    }
                }
            }

            return found;
        }
    }
}
