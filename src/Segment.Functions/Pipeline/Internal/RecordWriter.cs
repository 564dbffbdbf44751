using Microsoft.Extensions.Logging;
using Segment.Functions.Delivery;
using Segment.Functions.Telemetry.Internal;

namespace Segment.Functions.Pipeline.Internal;

/// <summary>
/// Hands records to the <see cref="IDeliveryStore"/> for every destination of a host: one store call at
/// a time, each taking everything that arrived meanwhile. With a store that completes at once (the
/// in-memory one) the worker that recorded writes it on the spot; with a slow one, records gather
/// into groups while it works, and no worker waits for it.
/// </summary>
internal sealed class RecordWriter
{
    private readonly IDeliveryStore _store;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _giveUp = new();
    private List<DeliveryRecord> _pending = [];
    private List<DeliveryRecord> _spare = [];
    private readonly List<TaskCompletionSource> _idleWaiters = [];
    private bool _writing;

    public RecordWriter(IDeliveryStore store, ILogger logger)
    {
        _store = store;
        _logger = logger;
    }

    /// <summary>Adds a record; it is written by this call or by the write already under way.</summary>
    public void Write(DeliveryRecord record)
    {
        lock (_gate)
        {
            _pending.Add(record);
            if (_writing)
            {
                return;
            }

            _writing = true;
        }

        var draining = DrainAsync();
        if (!draining.IsCompleted)
        {
            // The store went asynchronous: the rest is written in the background.
            _ = draining.AsTask();
        }
    }

    /// <summary>Completes when every record written so far has reached the store (or failed to).</summary>
    public Task WhenWritten()
    {
        lock (_gate)
        {
            if (!_writing)
            {
                return Task.CompletedTask;
            }

            var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _idleWaiters.Add(waiter);
            return waiter.Task;
        }
    }

    /// <summary>Cancels a store call that is still running at the end of the host's stop.</summary>
    public void GiveUp() => _giveUp.Cancel();

    // Apart from DrainAsync so the lambda's closure is allocated only when a store fails.
    private void LogFailure(string destination, Exception exception) =>
        Log.Safely(() => Log.RecordFailed(_logger, destination, exception));

    // Called by the Write that set _writing, with at least one record pending. Each turn writes what
    // gathered, then under one lock either takes the next group or hands the spare list back and ends.
    private async ValueTask DrainAsync()
    {
        List<DeliveryRecord> batch;
        lock (_gate)
        {
            // Only one drain runs at a time, so the spare list is back by now.
            batch = _pending;
            _pending = _spare;
        }

        while (true)
        {
            try
            {
                await _store.RecordAsync(batch, _giveUp.Token).ConfigureAwait(false);
            }
            catch (Exception exception)
            {
                // A store that fails must not take the destinations down with it.
                LogFailure(batch[0].Destination, exception);
            }

            batch.Clear();
            TaskCompletionSource[] idle;
            lock (_gate)
            {
                if (_pending.Count > 0)
                {
                    (batch, _pending) = (_pending, batch);
                    continue;
                }

                _spare = batch;
                _writing = false;
                idle = _idleWaiters.Count == 0 ? [] : [.. _idleWaiters];
                _idleWaiters.Clear();
            }

            foreach (var waiter in idle)
            {
                waiter.TrySetResult();
            }

            return;
        }
    }
}
