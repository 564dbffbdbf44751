using Microsoft.Extensions.Logging;
using Segment.Functions.Delivery;
using Segment.Functions.Events.Internal;
using Segment.Functions.Hosting;
using Segment.Functions.Telemetry.Internal;

namespace Segment.Functions.Pipeline.Internal;

/// <summary>
/// The durable <see cref="IDeliveryQueue"/>: a destination's events live in the <see cref="IDeliveryJournal"/>,
/// shared by every instance. A claim loop takes due events under leases into a small local
/// <see cref="MemoryDeliveryQueue"/>, from which the workers and the batch-former take them as usual;
/// a timer renews the leases of everything held; each settled event completes its claim with the
/// recorder's record in one commit (a retry becomes the claim's next due time, not a timer here).
/// </summary>
/// <remarks>
/// <para>Events are appended by the host for all their destinations at once (see
/// <see cref="IDeliveryJournal.AppendAsync"/>), so the room-taking members of the interface are not used
/// here: durable intake is bounded by the commits, not by memory.</para>
/// <para>The local queue holds at most two claims' worth of events (see <see cref="ClaimSizes"/>): one
/// running while the next is claimed. A stop ends the claims, gives back the claimed events no worker
/// has started (due at once for any instance), lets the workers finish what runs, and leaves
/// everything else in the journal; anything still running at the deadline is claimed again once its
/// lease runs out.</para>
/// </remarks>
internal sealed class DurableDeliveryQueue : IDeliveryQueue
{
    private readonly string _name;
    private readonly IDeliveryJournal _journal;
    private readonly MemoryDeliveryQueue _local;
    private readonly ClaimSizes _claimSizes;
    private readonly EventParseOptions _parsing;
    private readonly OutcomeRecorder _recorder;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopClaiming = new();
    private readonly Lock _gate = new();
    // Claimed and not yet completed: their leases are renewed until their completion is committed.
    private readonly Dictionary<long, PendingEvent> _held = [];
    // Of those, the ones whose completion is on its way: a renewal that misses them found them completed, not lost.
    private readonly HashSet<long> _completingIds = [];
    private TaskCompletionSource _completed = NewSignal();
    private int _completing;
    private long _settled;
    private ITimer? _renewal;
    private int _renewing;
    private Task _claiming = Task.CompletedTask;
    private volatile bool _intakeClosed;

    public DurableDeliveryQueue(string name, IDeliveryJournal journal, ClaimSizes claimSizes, EventParseOptions parsing, OutcomeRecorder recorder, TimeProvider time, ILogger logger)
    {
        _name = name;
        _journal = journal;
        _claimSizes = claimSizes;
        _parsing = parsing;
        _recorder = recorder;
        _time = time;
        _logger = logger;
        _local = new MemoryDeliveryQueue(name, claimSizes.Largest * 2, QueueFullMode.Wait, time);
    }

    /// <summary>Across instances, as the journal last read it; this instance's claimed events are counted in it.</summary>
    public DestinationStatus Status => _journal.Status(_name);

    /// <summary>This instance's claimed events not settled yet (what a stop leaves to expire and be claimed again).</summary>
    public DestinationStatus LeftHere => _local.Status;

    public bool MayHaveQueued => _local.MayHaveQueued;

    /// <summary>Starts claiming and renewing.</summary>
    public void Start()
    {
        var every = _journal.LeaseDuration / 3;
        _renewal = _time.CreateTimer(static state => ((DurableDeliveryQueue)state!).Renew(), this, every, every);
        _claiming = Task.Run(() => ClaimLoopAsync(_stopClaiming.Token));
    }

    // Only the host appends: for all of an event's destinations at once (SegmentFunctionsHost.Durable).
    public ValueTask<SendStatus> EnqueueAsync(PendingEvent item, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("Events reach a durable queue through the journal (IDeliveryJournal.AppendAsync), not one destination at a time.");

    // Durable intake takes no room in memory: reserving always succeeds, and there is nothing to give back.
    public ValueTask<SendStatus> ReserveAsync(int count, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_intakeClosed ? SendStatus.Stopped : SendStatus.Accepted);

    public void ReleaseRoom(int count)
    {
    }

    public SendStatus EnqueueReserved(PendingEvent item) =>
        throw new InvalidOperationException("Events reach a durable queue through the journal (IDeliveryJournal.AppendAsync), not through reserved room.");

    public bool TryTake(out PendingEvent item) => _local.TryTake(out item);

    public bool TryTakeForBatch(out PendingEvent item) => _local.TryTakeForBatch(out item);

    public void StartBatch(int count) => _local.StartBatch(count);

    public ValueTask<bool> WaitToTakeAsync(CancellationToken cancellationToken) => _local.WaitToTakeAsync(cancellationToken);

    public void Settle(PendingEvent item, DateTimeOffset? retryAt)
    {
        if (item.Lease is not { } lease || item.Decided is not { } record)
        {
            // Every settled event here was claimed and decided; anything else is a bug, said loudly.
            Log.Safely(() => Log.ReaderFailed(_logger, _name, new InvalidOperationException("A claimed event was settled without a lease or a decided record.")));
            _local.Settle(item, retryAt: null);
            return;
        }

        item.Decided = null;
        Interlocked.Increment(ref _settled);
        lock (_gate)
        {
            _completing++;
            _completingIds.Add(lease.Id);
        }

        // The worker goes on at once; the completion joins the next grouped commit, and the lease is
        // renewed until it is written.
        _local.Settle(item, retryAt: null);
        _ = CompleteAsync(lease, record);
    }

    public void Abandon(int count) => _local.Abandon(count);

    public bool Park(bool parked) => _local.Park(parked);

    public void TimeUp(bool up) => _local.TimeUp(up);

    public void CloseIntake()
    {
        _intakeClosed = true;
        _stopClaiming.Cancel();
    }

    public void Complete()
    {
        _stopClaiming.Cancel();
        _local.Complete();
        // What is left here now stays as it is: its leases run out and another claim takes it.
        _renewal?.Dispose();
    }

    /// <summary>Completes when nothing claimed here is queued, running, or waiting for its completion to be committed.</summary>
    public async Task WhenIdle()
    {
        while (true)
        {
            await _local.WhenIdle().ConfigureAwait(false);
            Task completed;
            lock (_gate)
            {
                if (_completing == 0)
                {
                    return;
                }

                completed = _completed.Task;
            }

            await completed.ConfigureAwait(false);
        }
    }

    /// <summary>Completes when the destination has nothing left on any instance (retries included), looking again after each completion or every poll interval.</summary>
    public async Task WhenEmpty()
    {
        while (true)
        {
            Task completed;
            lock (_gate)
            {
                completed = _completed.Task;
            }

            await WhenIdle().ConfigureAwait(false);
            if (!await _journal.HasPendingAsync(_name, CancellationToken.None).ConfigureAwait(false))
            {
                return;
            }

            // Not the claims' wait (it returns at once while events are due but not claimed yet): the next completion here, or a poll.
            await Task.WhenAny(completed, Task.Delay(_journal.PollInterval, _time)).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Ends the claims, gives back the claimed events no worker has started (any instance takes them at
    /// once), then lets the workers finish what runs; retries stay in the journal.
    /// </summary>
    public async Task DrainAsync(CancellationToken deadline, DateTimeOffset deadlineAt)
    {
        try
        {
            await _claiming.WaitAsync(deadline).ConfigureAwait(false);
            await ReleaseUnstartedAsync(deadline).ConfigureAwait(false);
            await WhenIdle().WaitAsync(deadline).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            // The deadline: what is left here is claimed again once its lease runs out.
        }
    }

    public void Dispose()
    {
        _stopClaiming.Cancel();
        _renewal?.Dispose();
        _local.Dispose();
    }

    private async Task ReleaseUnstartedAsync(CancellationToken cancellationToken)
    {
        var unstarted = new List<JournalLease>();
        while (_local.TryTake(out var item))
        {
            unstarted.Add(item.Lease!.Value);
            lock (_gate)
            {
                _held.Remove(item.Lease.Value.Id);
            }

            _local.Settle(item, retryAt: null);
        }

        if (unstarted.Count == 0)
        {
            return;
        }

        try
        {
            await _journal.ReleaseAsync(unstarted, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // Not given back: their leases run out and they are claimed again then.
            Log.Safely(() => Log.ReleaseFailed(_logger, _name, unstarted.Count, exception));
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private async Task ClaimLoopAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                // Taken before claiming: a commit notified in between is not missed.
                var wakeUp = _journal.NextWakeUp(_name);
                // Claim only what the local queue has room for: claimed events wait under renewed leases.
                var size = _claimSizes.Next(Interlocked.Read(ref _settled), _time);
                if (await _local.ReserveAsync(size, stopping).ConfigureAwait(false) != SendStatus.Accepted)
                {
                    return;
                }

                IReadOnlyList<JournalClaim> claimed;
                try
                {
                    // Not cancelled by the stop: a claim cut off after the server made it would leave its
                    // events leased to nobody here until the leases run out. A finished claim is held, and
                    // a stop gives back what was not started.
                    claimed = await _journal.ClaimAsync(_name, size, CancellationToken.None).ConfigureAwait(false);
                }
                catch
                {
                    _local.ReleaseRoom(size);
                    throw;
                }

                _local.ReleaseRoom(size - claimed.Count);

                foreach (var claim in claimed)
                {
                    Hold(claim);
                }

                if (claimed.Count == 0)
                {
                    await _journal.WaitAsync(_name, wakeUp, stopping).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                // The database is unreachable or failing: nothing is lost (it holds the events); look again after a while.
                Log.Safely(() => Log.ClaimFailed(_logger, _name, _journal.PollInterval, exception));
                try
                {
                    await Task.Delay(_journal.PollInterval, _time, stopping).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    // Each claimed event uses one unit of the room reserved for the claim.
    private void Hold(JournalClaim claim)
    {
        var parsed = SegmentEventParser.ParseEvent(claim.Body, _parsing);
        if (parsed.Event is not { } @event)
        {
            // Accepted once, unreadable now (parse limits lowered since): it ends here, recorded.
            _local.ReleaseRoom(1);
            _ = CompleteUnreadableAsync(claim, parsed.Error!);
            return;
        }

        var item = new PendingEvent(@event, claim.AcceptedAt, owned: true)
        {
            Lease = claim.Lease,
            Sequence = claim.Lease.Id,
            Attempts = claim.Lease.Attempt - 1,
            FirstAttemptAt = claim.FirstAttemptAt,
        };
        lock (_gate)
        {
            _held[claim.Lease.Id] = item;
        }

        if (_local.EnqueueReserved(item) == SendStatus.Accepted)
        {
            return;
        }

        // Only when the host is disposed under the loop (the unit is given back): the lease runs out and another claim takes it.
        lock (_gate)
        {
            _held.Remove(claim.Lease.Id);
        }
    }

    private async Task CompleteAsync(JournalLease lease, DeliveryRecord record)
    {
        try
        {
            if (await _journal.CompleteAsync(lease, record, CancellationToken.None).ConfigureAwait(false))
            {
                _recorder.Notify(record);
            }
            else
            {
                Log.Safely(() => Log.LeaseLost(_logger, _name, lease.Id, lease.Attempt));
            }
        }
        catch (Exception exception)
        {
            // Not written: the lease runs out and the event is claimed and attempted again (at least once).
            Log.Safely(() => Log.CompletionFailed(_logger, _name, lease.Id, exception));
        }
        finally
        {
            TaskCompletionSource completed;
            lock (_gate)
            {
                _held.Remove(lease.Id);
                _completingIds.Remove(lease.Id);
                _completing--;
                // Every completion is a signal: WhenIdle looks at the count again, WhenEmpty at the journal.
                completed = _completed;
                _completed = NewSignal();
            }

            completed.TrySetResult();
        }
    }

    private async Task CompleteUnreadableAsync(JournalClaim claim, string error)
    {
        var now = _time.GetUtcNow();
        var record = new DeliveryRecord
        {
            Destination = _name,
            MessageId = "",
            Sequence = claim.Lease.Id,
            State = DeliveryState.Discarded,
            Reason = OutcomeReason.BadRequest,
            Attempts = claim.Lease.Attempt,
            AcceptedAt = claim.AcceptedAt,
            FirstAttemptAt = claim.FirstAttemptAt,
            LastAttemptAt = now,
            Error = new ErrorInfo(nameof(InvalidEventPayload), $"The stored event can no longer be read: {error}"),
        };
        lock (_gate)
        {
            _completing++;
        }

        await CompleteAsync(claim.Lease, record).ConfigureAwait(false);
    }

    // From the timer: extends every lease held here; one renewal at a time.
    private void Renew()
    {
        if (Interlocked.Exchange(ref _renewing, 1) == 1)
        {
            return;
        }

        _ = RenewAsync();
    }

    private async Task RenewAsync()
    {
        try
        {
            JournalLease[] leases;
            lock (_gate)
            {
                leases = _held.Values.Select(item => item.Lease!.Value).ToArray();
            }

            if (leases.Length > 0)
            {
                var renewed = await _journal.RenewAsync(leases, CancellationToken.None).ConfigureAwait(false);
                int lost;
                lock (_gate)
                {
                    lost = leases.Count(lease => !renewed.Contains(lease.Id) && _held.ContainsKey(lease.Id) && !_completingIds.Contains(lease.Id));
                }

                if (lost > 0)
                {
                    // Their attempts still run; their completions will find the lease lost and write nothing.
                    Log.Safely(() => Log.LeasesLost(_logger, _name, lost));
                }
            }
        }
        catch (Exception exception)
        {
            Log.Safely(() => Log.RenewFailed(_logger, _name, exception));
        }
        finally
        {
            Volatile.Write(ref _renewing, 0);
        }
    }
}
