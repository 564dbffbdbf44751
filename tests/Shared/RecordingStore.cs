using System.Collections.Concurrent;
using Segment.Functions.Delivery;

namespace Segment.Functions.Tests.Hosting;

/// <summary>
/// A delivery store for tests: keeps everything the in-memory store keeps, counts terminal records
/// per event and destination (to prove "exactly one"), and lets a test await a number of them.
/// </summary>
internal sealed class RecordingStore : IDeliveryStore
{
    private readonly InMemoryDeliveryStore _inner = new(maxRecordsPerDestination: 1_000_000);
    private readonly ConcurrentDictionary<(string Destination, long Sequence), int> _terminal = new();
    private readonly ConcurrentDictionary<string, int> _terminalByDestination = new();
    private readonly ConcurrentBag<(string Destination, int Count, TaskCompletionSource Done)> _waiters = [];

    public IEnumerable<int> TerminalRecordsPerEvent => _terminal.Values;

    public int TerminalEvents(string destination) => _terminalByDestination.GetValueOrDefault(destination);

    public ValueTask RecordAsync(IReadOnlyList<DeliveryRecord> records, CancellationToken cancellationToken = default)
    {
        foreach (var record in records)
        {
            Record(record);
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask<IReadOnlyList<DeliveryRecord>> QueryAsync(DeliveryQuery query, CancellationToken cancellationToken = default) => _inner.QueryAsync(query, cancellationToken);

    private void Record(DeliveryRecord record)
    {
        _inner.RecordAsync([record]);
        if (record.IsTerminal)
        {
            _terminal.AddOrUpdate((record.Destination, record.Sequence), 1, static (_, n) => n + 1);
            var count = _terminalByDestination.AddOrUpdate(record.Destination, 1, static (_, n) => n + 1);
            foreach (var waiter in _waiters)
            {
                if (waiter.Destination == record.Destination && count >= waiter.Count)
                {
                    waiter.Done.TrySetResult();
                }
            }
        }
    }

    /// <summary>Completes when the destination has at least <paramref name="count"/> terminal records (with a real-time guard).</summary>
    public Task WhenTerminal(string destination, int count)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiters.Add((destination, count, done));
        if (TerminalEvents(destination) >= count)
        {
            done.TrySetResult();
        }

        return done.Task.WaitAsync(TimeSpan.FromSeconds(60));
    }
}
