using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

namespace Segment.Functions.Benchmarks;

/// <summary>
/// Listens to the runtime's GC AllocationTick events (one per ~100 KB allocated, naming the type of the
/// object that crossed the mark) to estimate, by type, where the allocated bytes went.
/// </summary>
internal sealed class AllocationSampler : EventListener
{
    private const EventKeywords GcKeyword = (EventKeywords)0x1;
    private readonly ConcurrentDictionary<string, long> _bytes = new(StringComparer.Ordinal);
    private volatile bool _recording;

    public void Start() => _recording = true;

    public void Stop() => _recording = false;

    /// <summary>The types with the most sampled bytes, with their share of all sampled bytes.</summary>
    public IReadOnlyList<(string Type, double Share)> Top(int count)
    {
        var total = (double)Math.Max(1, _bytes.Values.Sum());
        return _bytes.OrderByDescending(p => p.Value).Take(count).Select(p => (p.Key, p.Value / total)).ToArray();
    }

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(eventSource, EventLevel.Verbose, GcKeyword);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (!_recording || eventData.EventName is null || !eventData.EventName.StartsWith("GCAllocationTick", StringComparison.Ordinal) || eventData.PayloadNames is null)
        {
            return;
        }

        var type = Payload(eventData, "TypeName") as string ?? "?";
        var amount = Payload(eventData, "AllocationAmount64") is ulong big ? (long)big : Payload(eventData, "AllocationAmount") is uint small ? small : 0;
        _bytes.AddOrUpdate(type, amount, (_, sum) => sum + amount);
    }

    private static object? Payload(EventWrittenEventArgs data, string name)
    {
        var index = data.PayloadNames!.IndexOf(name);
        return index >= 0 ? data.Payload![index] : null;
    }
}
