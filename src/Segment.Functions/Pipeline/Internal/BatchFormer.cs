using Segment.Functions.Batching;
using Segment.Functions.Batching.Internal;

namespace Segment.Functions.Pipeline.Internal;

/// <summary>
/// Forms the batches of a destination that defines <c>OnBatch</c>, for its workers: a worker asks for
/// the next batch and runs it itself, so batches are bounded by the same
/// <see cref="Hosting.SegmentFunctionsOptions.MaxConcurrency"/> as single events. One batch is formed
/// at a time; the others wait their turn.
/// </summary>
/// <remarks>
/// A batch closes at <see cref="BatchingOptions.MaxSize"/> events or <see cref="BatchingOptions.MaxWait"/>
/// after its first event. Low volume is judged by waiting briefly for a second event (see
/// <see cref="LowVolumeGrace"/>): an event with no company goes alone, and a burst after a quiet
/// spell reaches <c>OnBatch</c> whole. While it waits for company the batch is parked: not busy.
/// </remarks>
internal sealed class BatchFormer : IDisposable
{
    private readonly IDeliveryQueue _queue;
    private readonly BatchingOptions _options;
    private readonly TimeProvider _time;
    private readonly CancellationToken _stopping;
    private readonly TimeSpan? _grace;
    private readonly SemaphoreSlim _turn = new(1, 1);

    /// <param name="queue">The destination's queue.</param>
    /// <param name="options">The batch limits.</param>
    /// <param name="time">The clock of every wait.</param>
    /// <param name="stopping">Cancelled when the host stops: a batch in hand goes at once, and nothing waits for company any more.</param>
    public BatchFormer(IDeliveryQueue queue, BatchingOptions options, TimeProvider time, CancellationToken stopping)
    {
        _queue = queue;
        _options = options;
        _time = time;
        _stopping = stopping;
        _grace = LowVolumeGrace.For(options);
    }

    /// <summary>The next batch, taken into flight; null once the queue is completed and empty.</summary>
    /// <remarks>Awaits go back to the caller's scheduler (the destination's threads).</remarks>
    public async Task<List<PendingEvent>?> NextAsync()
    {
        await _turn.WaitAsync().ConfigureAwait(true);
        try
        {
            while (true)
            {
                if (!_queue.TryTakeForBatch(out var first))
                {
                    if (!await _queue.WaitToTakeAsync(CancellationToken.None).ConfigureAwait(true))
                    {
                        return null;
                    }

                    continue;
                }

                var started = _time.GetTimestamp();
                var batch = new List<PendingEvent>(Math.Min(_options.MaxSize, 64)) { first };
                Fill(batch);
                if (batch.Count == 1 && _options.MaxSize > 1 && _grace is { } grace)
                {
                    await WaitForMoreAsync(batch, grace, until: 2).ConfigureAwait(true);
                }

                // Company came (or the fallback is off): the batch fills up to MaxSize until MaxWait after its first event.
                if (batch.Count < _options.MaxSize && (batch.Count > 1 || _grace is null))
                {
                    var left = _options.MaxWait - _time.GetElapsedTime(started);
                    if (left > TimeSpan.Zero)
                    {
                        await WaitForMoreAsync(batch, left, until: _options.MaxSize).ConfigureAwait(true);
                    }
                }

                _queue.StartBatch(batch.Count);
                return batch;
            }
        }
        finally
        {
            _turn.Release();
        }
    }

    public void Dispose() => _turn.Dispose();

    private void Fill(List<PendingEvent> batch)
    {
        while (batch.Count < _options.MaxSize && _queue.TryTakeForBatch(out var item))
        {
            batch.Add(item);
        }
    }

    // Waits until the batch holds `until` events, `limit` passes, the host stops or the queue completes.
    private async Task WaitForMoreAsync(List<PendingEvent> batch, TimeSpan limit, int until)
    {
        using var timeLimit = new CancellationTokenSource(limit, _time);
        _queue.TimeUp(false);
        // Runs inside the timer callback (for a fake clock: inside Advance), so the batch counts as
        // busy again before the clock's caller goes on.
        using var timeUp = timeLimit.Token.UnsafeRegister(static state => ((IDeliveryQueue)state!).TimeUp(true), _queue);
        using var stopping = _stopping.UnsafeRegister(static state => ((CancellationTokenSource)state!).Cancel(), timeLimit);
        try
        {
            // Parked only while actually waiting: every event in hand is busy again before any work.
            while (_queue.Park(true) && await _queue.WaitToTakeAsync(timeLimit.Token).ConfigureAwait(true))
            {
                _queue.Park(false);
                Fill(batch);
                if (batch.Count >= until)
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (timeLimit.IsCancellationRequested)
        {
            // The time limit or the stop: send what we have.
        }
        finally
        {
            _queue.Park(false);
        }
    }
}
