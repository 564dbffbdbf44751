using Segment.Functions.Hosting;
using Segment.Functions.Retries.Internal;

namespace Segment.Functions.Pipeline.Internal;

/// <summary>
/// The in-memory <see cref="IDeliveryQueue"/>: one lock keeps the events, the room and every count, so
/// they always change together and in one order.
/// </summary>
/// <remarks>
/// <para>Room bounds memory: an event takes a unit when it is queued and gives it back only when it is
/// settled as done, so queued + in flight + waiting for retry never passes the capacity.</para>
/// <para>The structure is our own (a queue under a lock, waiters completed outside it) rather than a
/// channel: it must not lose or strand an event whatever the contention, and it is simple enough to
/// test for that directly.</para>
/// </remarks>
internal sealed class MemoryDeliveryQueue : IDeliveryQueue
{
    private readonly Lock _gate = new();
    private readonly int _capacity;
    private readonly QueueFullMode _fullMode;
    private readonly Queue<PendingEvent> _ready = new();
    private readonly RetryScheduler<PendingEvent> _retries;
    // Senders waiting for room, first come first served: the head gathers units until it has all it needs.
    private readonly LinkedList<RoomWaiter> _roomWaiters = new();
    private readonly List<TaskCompletionSource<bool>> _takers = [];
    private readonly List<TaskCompletionSource> _idleWaiters = [];
    private readonly List<TaskCompletionSource> _retryWaiters = [];
    private readonly List<TaskCompletionSource> _emptyWaiters = [];
    private int _used;
    private int _forming;
    private bool _formingParked;
    private bool _timeUp;
    private int _inFlight;
    private int _abandoned;
    // Kept here, under the lock, rather than read from the retry schedule: an event leaving the
    // schedule is counted as waiting until the moment it is queued again.
    private int _retrying;
    private bool _intakeClosed;
    private bool _completed;

    public MemoryDeliveryQueue(string name, int capacity, QueueFullMode fullMode, TimeProvider time)
    {
        Name = name;
        _capacity = capacity;
        _fullMode = fullMode;
        _retries = new RetryScheduler<PendingEvent>(time, Requeue);
    }

    public string Name { get; }

    public DestinationStatus Status
    {
        get
        {
            lock (_gate)
            {
                return new DestinationStatus(Name, _ready.Count + _forming, _inFlight + _abandoned, _retrying);
            }
        }
    }

    // The count read without the lock (one int field): stale at worst, which a hint may be.
    public bool MayHaveQueued => _ready.Count > 0;

    /// <summary>The earliest time a retry falls due, if any waits.</summary>
    public DateTimeOffset? NextRetryDue => _retries.NextDue;

    private int Busy => _ready.Count + (_formingParked ? 0 : _forming) + _inFlight;

    public DestinationStatus LeftHere => Status;

    /// <summary>Nothing runs in the background here: retries are timers scheduled as they come.</summary>
    public void Start()
    {
    }

    public ValueTask<SendStatus> EnqueueAsync(PendingEvent item, CancellationToken cancellationToken)
    {
        RoomWaiter? waiter = null;
        TaskCompletionSource<bool>? taker = null;
        lock (_gate)
        {
            if (_intakeClosed)
            {
                return ValueTask.FromResult(SendStatus.Stopped);
            }

            // Room goes to waiters first, in order: a new sender does not overtake one that waits.
            if (_used < _capacity && _roomWaiters.Count == 0)
            {
                _used++;
                _ready.Enqueue(item);
                taker = TakeOneWaiter(_takers);
            }
            else if (_fullMode == QueueFullMode.Reject)
            {
                return ValueTask.FromResult(SendStatus.QueueFull);
            }
            else
            {
                waiter = AddRoomWaiter(1);
            }
        }

        if (waiter is not null)
        {
            return EnqueueWhenRoomAsync(item, waiter, cancellationToken);
        }

        taker?.TrySetResult(true);
        return ValueTask.FromResult(SendStatus.Accepted);
    }

    public async ValueTask<SendStatus> ReserveAsync(int count, CancellationToken cancellationToken)
    {
        RoomWaiter waiter;
        lock (_gate)
        {
            if (_intakeClosed)
            {
                return SendStatus.Stopped;
            }

            if (_capacity - _used >= count && _roomWaiters.Count == 0)
            {
                _used += count;
                return SendStatus.Accepted;
            }

            waiter = AddRoomWaiter(count);
        }

        return await WaitForRoomAsync(waiter, cancellationToken).ConfigureAwait(false);
    }

    public void ReleaseRoom(int count)
    {
        if (count <= 0)
        {
            return;
        }

        List<RoomWaiter>? served;
        List<TaskCompletionSource>? empty;
        lock (_gate)
        {
            _used -= count;
            served = ServeRoomWaiters();
            empty = TakeEmptyWaiters();
        }

        Complete(served);
        Complete(empty);
    }

    public SendStatus EnqueueReserved(PendingEvent item)
    {
        TaskCompletionSource<bool>? taker = null;
        bool stopped;
        lock (_gate)
        {
            // Decided under the lock: an event queued here is never also told Stopped.
            stopped = _intakeClosed;
            if (!stopped)
            {
                _ready.Enqueue(item);
                taker = TakeOneWaiter(_takers);
            }
        }

        if (stopped)
        {
            ReleaseRoom(1);
            return SendStatus.Stopped;
        }

        taker?.TrySetResult(true);
        return SendStatus.Accepted;
    }

    public bool TryTake(out PendingEvent item)
    {
        lock (_gate)
        {
            // Once completed (the stop's deadline), nothing new starts: what is queued is reported as queued.
            item = null!;
            if (!_completed && _ready.TryDequeue(out item!))
            {
                _inFlight++;
                return true;
            }

            return false;
        }
    }

    public bool TryTakeForBatch(out PendingEvent item)
    {
        lock (_gate)
        {
            item = null!;
            if (!_completed && _ready.TryDequeue(out item!))
            {
                _forming++;
                return true;
            }

            return false;
        }
    }

    public void StartBatch(int count)
    {
        lock (_gate)
        {
            _forming -= count;
            _inFlight += count;
            _formingParked = false;
            _timeUp = false;
        }
    }

    public ValueTask<bool> WaitToTakeAsync(CancellationToken cancellationToken)
    {
        TaskCompletionSource<bool> taker;
        lock (_gate)
        {
            if (_completed)
            {
                return ValueTask.FromResult(false);
            }

            if (_ready.Count > 0)
            {
                return ValueTask.FromResult(true);
            }

            taker = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            _takers.Add(taker);
        }

        return cancellationToken.CanBeCanceled ? WaitToTakeAsync(taker, cancellationToken) : new ValueTask<bool>(taker.Task);
    }

    // A cancelled taker leaves the list at once: a wake-up handed to it would be lost for the others.
    private async ValueTask<bool> WaitToTakeAsync(TaskCompletionSource<bool> taker, CancellationToken cancellationToken)
    {
        using (cancellationToken.UnsafeRegister(
            static state =>
            {
                var (queue, waiter) = ((MemoryDeliveryQueue, TaskCompletionSource<bool>))state!;
                queue.CancelTaker(waiter);
            },
            (this, taker)))
        {
            return await taker.Task.ConfigureAwait(false);
        }
    }

    private void CancelTaker(TaskCompletionSource<bool> taker)
    {
        bool removed;
        lock (_gate)
        {
            removed = _takers.Remove(taker);
        }

        // Not in the list any more: it was woken meanwhile, and that wake-up stands.
        if (removed)
        {
            taker.TrySetCanceled();
        }
    }

    public void Settle(PendingEvent item, DateTimeOffset? retryAt)
    {
        // Scheduled before the event leaves flight, so there is no instant in which it is counted
        // nowhere (a stop that drains would stop waiting). Outside the lock: a retry due at once
        // re-enters through Requeue, which takes it.
        if (retryAt is { } at)
        {
            lock (_gate)
            {
                _retrying++;
            }

            _retries.Schedule(item, at);
        }

        List<RoomWaiter>? served = null;
        List<TaskCompletionSource>? idle;
        List<TaskCompletionSource>? empty = null;
        lock (_gate)
        {
            _inFlight--;
            if (retryAt is null)
            {
                _used--;
                served = ServeRoomWaiters();
                empty = TakeEmptyWaiters();
            }

            idle = TakeIdleWaiters();
        }

        Complete(served);
        Complete(empty);
        Complete(idle);
    }

    public void Abandon(int count)
    {
        List<TaskCompletionSource>? idle;
        lock (_gate)
        {
            _inFlight -= count;
            _abandoned += count;
            idle = TakeIdleWaiters();
        }

        Complete(idle);
    }

    public bool Park(bool parked)
    {
        List<TaskCompletionSource>? idle;
        lock (_gate)
        {
            if (parked && _timeUp)
            {
                return false;
            }

            _formingParked = parked;
            idle = TakeIdleWaiters();
        }

        Complete(idle);
        return true;
    }

    public void TimeUp(bool up)
    {
        lock (_gate)
        {
            _timeUp = up;
            if (up)
            {
                _formingParked = false;
            }
        }
    }

    public void CloseIntake()
    {
        List<RoomWaiter> waiting;
        lock (_gate)
        {
            _intakeClosed = true;
            waiting = [.. _roomWaiters];
            _roomWaiters.Clear();
        }

        foreach (var waiter in waiting)
        {
            // Units a waiter had gathered are given back by the waiter itself when it sees Stopped.
            waiter.Done.TrySetResult(false);
        }
    }

    public void Complete()
    {
        _retries.Dispose();
        List<TaskCompletionSource<bool>> takers;
        List<TaskCompletionSource> retryWaiters;
        List<TaskCompletionSource>? idle;
        lock (_gate)
        {
            _completed = true;
            takers = [.. _takers];
            _takers.Clear();
            retryWaiters = [.. _retryWaiters];
            _retryWaiters.Clear();
            // What is left will not move any more: waiters for idle must not wait for it.
            idle = [.. _idleWaiters, .. _emptyWaiters];
            _idleWaiters.Clear();
            _emptyWaiters.Clear();
        }

        foreach (var taker in takers)
        {
            taker.TrySetResult(false);
        }

        Complete(retryWaiters);
        Complete(idle);
    }

    public Task WhenIdle()
    {
        lock (_gate)
        {
            if (Busy == 0 || _completed)
            {
                return Task.CompletedTask;
            }

            var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _idleWaiters.Add(waiter);
            return waiter.Task;
        }
    }

    public Task WhenEmpty()
    {
        lock (_gate)
        {
            if (_used == 0 || _completed)
            {
                return Task.CompletedTask;
            }

            var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _emptyWaiters.Add(waiter);
            return waiter.Task;
        }
    }

    public async Task DrainAsync(CancellationToken deadline, DateTimeOffset deadlineAt)
    {
        try
        {
            while (true)
            {
                // Past the deadline the queue is completed and every wait below returns at once.
                deadline.ThrowIfCancellationRequested();

                // Asked for before looking, so a retry that re-enters meanwhile is not missed.
                var reentered = WhenRetryReenters();
                await WhenIdle().WaitAsync(deadline).ConfigureAwait(false);
                if (_retries.NextDue is not { } due || due > deadlineAt)
                {
                    return;
                }

                await reentered.WaitAsync(deadline).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            // The deadline: what is left is reported.
        }
    }

    /// <summary>Completes when a waiting retry re-enters the queue (or at once if the queue is completed).</summary>
    public Task WhenRetryReenters()
    {
        lock (_gate)
        {
            if (_completed)
            {
                return Task.CompletedTask;
            }

            var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _retryWaiters.Add(waiter);
            return waiter.Task;
        }
    }

    public void Dispose()
    {
        CloseIntake();
        Complete();
    }

    // From the retry timer: the event already holds its room.
    private void Requeue(PendingEvent item)
    {
        TaskCompletionSource<bool>? taker;
        List<TaskCompletionSource> reentered;
        lock (_gate)
        {
            // Once completed the event stays queued and is reported as left over (it keeps its room).
            _retrying--;
            _ready.Enqueue(item);
            if (_completed)
            {
                return;
            }

            taker = TakeOneWaiter(_takers);
            reentered = [.. _retryWaiters];
            _retryWaiters.Clear();
        }

        taker?.TrySetResult(true);
        Complete(reentered);
    }

    private async ValueTask<SendStatus> EnqueueWhenRoomAsync(PendingEvent item, RoomWaiter waiter, CancellationToken cancellationToken)
    {
        var status = await WaitForRoomAsync(waiter, cancellationToken).ConfigureAwait(false);
        return status == SendStatus.Accepted ? EnqueueReserved(item) : status;
    }

    private async ValueTask<SendStatus> WaitForRoomAsync(RoomWaiter waiter, CancellationToken cancellationToken)
    {
        using (cancellationToken.UnsafeRegister(static state => ((RoomWaiter)state!).Done.TrySetCanceled(), waiter))
        {
            try
            {
                if (await waiter.Done.Task.ConfigureAwait(false))
                {
                    return SendStatus.Accepted;
                }
            }
            catch (OperationCanceledException)
            {
                // Cancelled: fall through to give back what was gathered.
            }
        }

        int gathered;
        lock (_gate)
        {
            if (waiter.Node.List is not null)
            {
                _roomWaiters.Remove(waiter.Node);
            }

            // Units handed to it until now, all it needed if it was served in the instant it was cancelled.
            gathered = waiter.Gathered;
        }

        ReleaseRoom(gathered);
        return Volatile.Read(ref _intakeClosed) ? SendStatus.Stopped : SendStatus.Cancelled;
    }

    // Under the lock.
    private RoomWaiter AddRoomWaiter(int need)
    {
        var waiter = new RoomWaiter(need);
        waiter.Node = _roomWaiters.AddLast(waiter);
        // Free room goes to the new head at once.
        if (_roomWaiters.Count == 1)
        {
            var free = Math.Min(_capacity - _used, need);
            _used += free;
            waiter.Gathered = free;
            if (waiter.Gathered == need)
            {
                _roomWaiters.RemoveFirst();
                waiter.Done.TrySetResult(true);
            }
        }

        return waiter;
    }

    // Under the lock: hands free room to waiters in order; the ones served are completed outside the lock.
    private List<RoomWaiter>? ServeRoomWaiters()
    {
        List<RoomWaiter>? served = null;
        while (_used < _capacity && _roomWaiters.First is { } head)
        {
            var waiter = head.Value;
            var free = Math.Min(_capacity - _used, waiter.Need - waiter.Gathered);
            _used += free;
            waiter.Gathered += free;
            if (waiter.Gathered < waiter.Need)
            {
                break;
            }

            _roomWaiters.RemoveFirst();
            (served ??= []).Add(waiter);
        }

        return served;
    }

    // Under the lock.
    private List<TaskCompletionSource>? TakeIdleWaiters()
    {
        if (_idleWaiters.Count == 0 || Busy != 0)
        {
            return null;
        }

        List<TaskCompletionSource> idle = [.. _idleWaiters];
        _idleWaiters.Clear();
        return idle;
    }

    // Under the lock.
    private List<TaskCompletionSource>? TakeEmptyWaiters()
    {
        if (_emptyWaiters.Count == 0 || _used != 0)
        {
            return null;
        }

        List<TaskCompletionSource> empty = [.. _emptyWaiters];
        _emptyWaiters.Clear();
        return empty;
    }

    private static T? TakeOneWaiter<T>(List<T> waiters)
        where T : class
    {
        if (waiters.Count == 0)
        {
            return null;
        }

        var last = waiters[^1];
        waiters.RemoveAt(waiters.Count - 1);
        return last;
    }

    private static void Complete(List<RoomWaiter>? served)
    {
        if (served is null)
        {
            return;
        }

        foreach (var waiter in served)
        {
            if (!waiter.Done.TrySetResult(true))
            {
                // Cancelled meanwhile: its WaitForRoomAsync gives back everything it gathered.
            }
        }
    }

    private static void Complete(List<TaskCompletionSource>? waiters)
    {
        if (waiters is null)
        {
            return;
        }

        foreach (var waiter in waiters)
        {
            waiter.TrySetResult();
        }
    }

    private sealed class RoomWaiter(int need)
    {
        public int Need { get; } = need;

        public int Gathered { get; set; }

        public LinkedListNode<RoomWaiter> Node { get; set; } = null!;

        public TaskCompletionSource<bool> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
