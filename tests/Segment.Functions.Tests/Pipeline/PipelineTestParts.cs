using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Segment.Functions.Delivery;

namespace Segment.Functions.Tests.Pipeline;

/// <summary>A store that keeps each call's records as they came, optionally held until a test lets the call finish.</summary>
internal sealed class CallRecordingStore : IDeliveryStore
{
    private readonly ConcurrentQueue<DeliveryRecord[]> _calls = new();
    private TaskCompletionSource? _gate;
    private int _running;

    /// <summary>The records of each call, in call order.</summary>
    public IReadOnlyList<DeliveryRecord[]> Calls => [.. _calls];

    public IReadOnlyList<DeliveryRecord> Records => [.. _calls.SelectMany(c => c)];

    /// <summary>Calls that overlapped another (must stay 0: one call at a time).</summary>
    public int Overlaps { get; private set; }

    /// <summary>Thrown by the next call, once.</summary>
    public Exception? ThrowNext { get; set; }

    /// <summary>From now on, calls wait until <see cref="Release"/>.</summary>
    public void Hold() => _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Release() => Interlocked.Exchange(ref _gate, null)?.TrySetResult();

    public async ValueTask RecordAsync(IReadOnlyList<DeliveryRecord> records, CancellationToken cancellationToken = default)
    {
        if (Interlocked.Increment(ref _running) > 1)
        {
            Overlaps++;
        }

        try
        {
            // Copied: the writer reuses its lists once the call is over.
            _calls.Enqueue([.. records]);
            if (ThrowNext is { } exception)
            {
                ThrowNext = null;
                throw exception;
            }

            if (Volatile.Read(ref _gate) is { } gate)
            {
                await gate.Task.WaitAsync(cancellationToken);
            }
        }
        finally
        {
            Interlocked.Decrement(ref _running);
        }
    }

    public ValueTask<IReadOnlyList<DeliveryRecord>> QueryAsync(DeliveryQuery query, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult<IReadOnlyList<DeliveryRecord>>(Records);
}

/// <summary>An <see cref="IMeterFactory"/> for parts built without a container.</summary>
internal sealed class TestMeterFactory : IMeterFactory
{
    private readonly List<Meter> _meters = [];

    public Meter Create(MeterOptions options)
    {
        var meter = new Meter(options);
        _meters.Add(meter);
        return meter;
    }

    public void Dispose()
    {
        foreach (var meter in _meters)
        {
            meter.Dispose();
        }
    }
}

/// <summary>Small helpers the pipeline part tests share.</summary>
internal static class PartTesting
{
    /// <summary>A real-time bound for awaiting something the fake clock or another thread completes.</summary>
    public static Task<T> Guard<T>(Task<T> task) => task.WaitAsync(TimeSpan.FromSeconds(10), TimeProvider.System);

    /// <inheritdoc cref="Guard{T}(Task{T})"/>
    public static Task Guard(Task task) => task.WaitAsync(TimeSpan.FromSeconds(10), TimeProvider.System);

    /// <summary>Raises <paramref name="target"/> to <paramref name="value"/> if it is lower, from any thread.</summary>
    public static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}
