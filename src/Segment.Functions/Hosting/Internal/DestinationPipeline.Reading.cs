using Segment.Functions.Batching.Internal;
using Segment.Functions.Telemetry.Internal;

namespace Segment.Functions.Hosting.Internal;

/// <summary>The reading loop: one reader per destination takes events off the queue and starts invocations.</summary>
internal sealed partial class DestinationPipeline
{
    private async Task ReadAsync()
    {
        try
        {
            if (_invoker.SupportsBatching)
            {
                await ReadBatchesAsync().ConfigureAwait(false);
            }
            else
            {
                await ReadSinglesAsync().ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (_abort.IsCancellationRequested)
        {
            // The stop deadline passed: what is left stays pending and is reported by StopAsync.
        }
        catch (Exception exception)
        {
            // A bug, not a state to recover from: say so loudly and keep the events counted as pending.
            ReaderFailure = exception;
            Log.ReaderFailed(_logger, Name, exception);
        }

        // Wait for running invocations; at the deadline they are cancelled and end at once.
        await _inFlight.WhenIdle().ConfigureAwait(false);
    }

    // Single-event destinations: MaxConcurrency workers each take the next event off the queue and
    // run its handler themselves; no hand-off per event.
    private async Task ReadSinglesAsync()
    {
        var workers = new Task[_options.MaxConcurrency];
        for (var i = 0; i < workers.Length; i++)
        {
            workers[i] = Task.Run(WorkAsync);
        }

        await Task.WhenAll(workers).ConfigureAwait(false);
    }

    private async Task WorkAsync()
    {
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync(_abort.Token).ConfigureAwait(false))
        {
            // Past the stop deadline nothing new starts: what is still queued is reported as queued.
            while (!_abort.IsCancellationRequested && reader.TryRead(out var item))
            {
                _inFlight.Add();
                await InvokeSingleAsync(item).ConfigureAwait(false);
            }
        }
    }

    private async Task ReadBatchesAsync()
    {
        var reader = _queue.Reader;
        var batching = _options.Batching;
        // Low volume is judged by waiting briefly for the next event, not by a rate over past
        // seconds, so a burst after a quiet spell reaches OnBatch whole (see LowVolumeGrace).
        var grace = LowVolumeGrace.For(batching);
        while (await reader.WaitToReadAsync(_abort.Token).ConfigureAwait(false))
        {
            if (!reader.TryRead(out var first))
            {
                continue;
            }

            var started = _time.GetTimestamp();
            var batch = new List<PendingEvent>(batching.MaxSize) { first };
            Fill(batch);
            if (batch.Count == 1 && batching.MaxSize > 1 && grace is { } wait)
            {
                await WaitForMoreAsync(batch, wait, until: 2).ConfigureAwait(false);
            }

            // Company came (or the fallback is off): the batch fills up to MaxSize until MaxWait after its first event.
            if (batch.Count < batching.MaxSize && (batch.Count > 1 || grace is null))
            {
                var left = batching.MaxWait - _time.GetElapsedTime(started);
                if (left > TimeSpan.Zero)
                {
                    await WaitForMoreAsync(batch, left, until: batching.MaxSize).ConfigureAwait(false);
                }
            }

            if (batch.Count == 1)
            {
                await DispatchAsync(batch[0]).ConfigureAwait(false);
            }
            else
            {
                await DispatchAsync(batch).ConfigureAwait(false);
            }
        }
    }

    private void Fill(List<PendingEvent> batch)
    {
        while (batch.Count < _options.Batching.MaxSize && _queue.Reader.TryRead(out var item))
        {
            batch.Add(item);
        }
    }

    // Waits until the batch holds `until` events, `limit` passes, or the queue completes (the host stops).
    private async Task WaitForMoreAsync(List<PendingEvent> batch, TimeSpan limit, int until)
    {
        using var timeLimit = new CancellationTokenSource(limit, _time);
        lock (_parkGate)
        {
            _timeUp = false;
        }

        // Runs inside the timer callback (for a fake clock: inside Advance), so the batch counts as
        // busy again before the clock's caller goes on.
        using var timeUp = timeLimit.Token.UnsafeRegister(static state => ((DestinationPipeline)state!).TimeUp(), this);
        using var abort = _abort.Token.UnsafeRegister(static state => ((CancellationTokenSource)state!).Cancel(), timeLimit);
        // A stop sends what is in hand at once (and, once stopping, nothing waits for company).
        using var stopping = _stopping.Token.UnsafeRegister(static state => ((CancellationTokenSource)state!).Cancel(), timeLimit);
        try
        {
            // Parked only while actually waiting: every event in hand is counted again before any work.
            while (Park(batch.Count) && await _queue.Reader.WaitToReadAsync(timeLimit.Token).ConfigureAwait(false))
            {
                Unpark();
                Fill(batch);
                if (batch.Count >= until)
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (timeLimit.IsCancellationRequested && !_abort.IsCancellationRequested)
        {
            // The time limit: send what we have.
        }
        finally
        {
            Unpark();
        }
    }

    // Takes the forming batch out of the busy count while the reader waits, unless its time is already up.
    private bool Park(int count)
    {
        lock (_parkGate)
        {
            if (_timeUp)
            {
                return false;
            }

            _parked += count;
            _busy.Remove(count);
            return true;
        }
    }

    private void Unpark()
    {
        lock (_parkGate)
        {
            _busy.Add(_parked);
            _parked = 0;
        }
    }

    private void TimeUp()
    {
        lock (_parkGate)
        {
            _timeUp = true;
            _busy.Add(_parked);
            _parked = 0;
        }
    }

    private async ValueTask DispatchAsync(PendingEvent item)
    {
        await _slots.WaitAsync(_abort.Token).ConfigureAwait(false);
        _inFlight.Add();
        // On the thread pool, so a handler that blocks before its first await holds one worker, not the reader.
        ThreadPool.UnsafeQueueUserWorkItem(item, preferLocal: false);
    }

    private async ValueTask DispatchAsync(List<PendingEvent> batch)
    {
        await _slots.WaitAsync(_abort.Token).ConfigureAwait(false);
        _inFlight.Add(batch.Count);
        ThreadPool.UnsafeQueueUserWorkItem(new PendingBatch(this, batch), preferLocal: false);
    }
}
