using Segment.Functions.Hosting;

namespace Segment.Functions.Pipeline.Internal;

/// <summary>
/// One destination's queue: the room its events take, the counts of where they are, and the order in
/// which they move (queued → in flight → done, or → waiting for retry → queued again at its time).
/// The workers and the batch-former take from it; the recorder's decision settles each event in it.
/// </summary>
/// <remarks>
/// The contract is what a durable queue can keep too: an enqueue completes once the event is held
/// (for a durable queue: committed), retries are due times kept by the queue, and nothing about an
/// event lives only in the caller. Every member is thread-safe.
/// </remarks>
internal interface IDeliveryQueue : IDisposable
{
    /// <summary>Where this destination's events are now.</summary>
    DestinationStatus Status { get; }

    /// <summary>What this process holds of the destination's events: what a stop reports as left (for a durable queue, less than <see cref="Status"/>, which counts every instance).</summary>
    DestinationStatus LeftHere { get; }

    /// <summary>Starts whatever the queue runs in the background (a durable queue's claims); the workers start after it.</summary>
    void Start();

    /// <summary>Takes a unit of room and queues the event, waiting for room or not as the full mode says.</summary>
    /// <returns>Accepted, QueueFull (Reject mode, nothing taken), Cancelled or Stopped.</returns>
    ValueTask<SendStatus> EnqueueAsync(PendingEvent item, CancellationToken cancellationToken);

    /// <summary>Takes <paramref name="count"/> units of room, all or none.</summary>
    /// <returns>Accepted when the room is held (use it with <see cref="EnqueueReserved"/> or give it back with <see cref="ReleaseRoom"/>).</returns>
    ValueTask<SendStatus> ReserveAsync(int count, CancellationToken cancellationToken);

    /// <summary>Gives back reserved room that was not used.</summary>
    void ReleaseRoom(int count);

    /// <summary>Queues an event for which the caller holds a reserved unit of room (given back if intake is closed).</summary>
    SendStatus EnqueueReserved(PendingEvent item);

    /// <summary>A hint, read without a lock: whether an event may be queued right now (a durable queue may always say false).</summary>
    bool MayHaveQueued { get; }

    /// <summary>Takes the next queued event into flight, if one is queued.</summary>
    bool TryTake(out PendingEvent item);

    /// <summary>Takes the next queued event into a batch being formed (still counted as queued until <see cref="StartBatch"/>).</summary>
    bool TryTakeForBatch(out PendingEvent item);

    /// <summary>Moves <paramref name="count"/> events of the batch being formed into flight.</summary>
    void StartBatch(int count);

    /// <summary>Completes with true when an event may be taken, false once the queue is completed and empty.</summary>
    ValueTask<bool> WaitToTakeAsync(CancellationToken cancellationToken);

    /// <summary>Settles an event taken into flight: done (its room is given back) or waiting for a retry at <paramref name="retryAt"/>.</summary>
    void Settle(PendingEvent item, DateTimeOffset? retryAt);

    /// <summary>Events left in flight at the stop deadline: they stay pending (reported as in flight) and are no longer busy.</summary>
    void Abandon(int count);

    /// <summary>Marks the batch being formed as parked (waiting for company: not busy) or busy again.</summary>
    /// <returns>False when parking was refused because the batch's time is already up (see <see cref="TimeUp"/>).</returns>
    bool Park(bool parked);

    /// <summary>The batch being formed reached its time limit: it is busy again, and parking is refused until the next batch.</summary>
    /// <remarks>Called from the time limit's timer, so with a fake clock the batch is busy again before the clock's caller goes on.</remarks>
    void TimeUp(bool up);

    /// <summary>Refuses new events from now on (retries still re-enter).</summary>
    void CloseIntake();

    /// <summary>Stops retries re-entering and lets takers finish once the queue is empty.</summary>
    void Complete();

    /// <summary>Completes when nothing is queued or in flight (parked batches and waiting retries do not count).</summary>
    Task WhenIdle();

    /// <summary>Completes when nothing is pending at all: no room is held (queued, in flight, waiting for retry, reserved), or the queue is completed.</summary>
    Task WhenEmpty();

    /// <summary>
    /// Completes when nothing is queued or in flight and no retry falls due before
    /// <paramref name="deadlineAt"/>, or when <paramref name="deadline"/> is cancelled (without throwing):
    /// what a stop waits for before it reports what is left.
    /// </summary>
    Task DrainAsync(CancellationToken deadline, DateTimeOffset deadlineAt);
}
