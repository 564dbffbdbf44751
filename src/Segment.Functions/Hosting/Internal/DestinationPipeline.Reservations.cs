namespace Segment.Functions.Hosting.Internal;

/// <summary>Room taken for several events at once, for <see cref="ISegmentFunctions.SendAllOrNoneAsync"/>.</summary>
internal sealed partial class DestinationPipeline
{
    // One caller gathers several units at a time: two large groups taking units in turn would each
    // hold part of the room and starve each other until both time out.
    private readonly SemaphoreSlim _reserving = new(1, 1);

    /// <summary>Takes <paramref name="count"/> units of room, all or none, waiting until <paramref name="cancellationToken"/> is cancelled.</summary>
    /// <returns>Accepted when the room is held (give it back with <see cref="ReleaseRoom"/> or use it with <see cref="WriteReserved"/>); Cancelled or Stopped with nothing held.</returns>
    public async ValueTask<SendStatus> ReserveAsync(int count, CancellationToken cancellationToken)
    {
        if (_stopping.IsCancellationRequested)
        {
            return SendStatus.Stopped;
        }

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
        var taken = 0;
        try
        {
            // Wait(0) first: a zero wait limit arrives as an already cancelled token, and free room must still be taken.
            if (!_reserving.Wait(0))
            {
                await _reserving.WaitAsync(linked.Token).ConfigureAwait(false);
            }

            try
            {
                for (; taken < count; taken++)
                {
                    if (!_room.Wait(0))
                    {
                        await _room.WaitAsync(linked.Token).ConfigureAwait(false);
                    }
                }
            }
            finally
            {
                _reserving.Release();
            }

            return SendStatus.Accepted;
        }
        catch (OperationCanceledException)
        {
            ReleaseRoom(taken);
            return _stopping.IsCancellationRequested ? SendStatus.Stopped : SendStatus.Cancelled;
        }
    }

    /// <summary>Gives back room reserved and not used.</summary>
    public void ReleaseRoom(int count)
    {
        if (count > 0)
        {
            _room.Release(count);
        }
    }

    /// <summary>Queues an event for which the caller holds a unit of reserved room (given back if the pipeline is stopping).</summary>
    public SendStatus WriteReserved(SegmentEvent @event) => Write(@event);
}
