using Segment.Functions.Pipeline.Internal;

namespace Segment.Functions.Hosting.Internal;

/// <summary><see cref="ISegmentFunctions.SendAllOrNoneAsync"/>: a group of events queued whole or not at all.</summary>
internal sealed partial class SegmentFunctionsHost
{
    public async ValueTask<SendBatchResult> SendAllOrNoneAsync(IReadOnlyList<SegmentEvent> events, SendAllOptions? options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        options ??= SendAllOptions.Default;
        for (var i = 0; i < events.Count; i++)
        {
            if (events[i] is null)
            {
                throw new ArgumentException($"The group holds a null event at index {i}.", nameof(events));
            }
        }

        if (Volatile.Read(ref _state) == 2)
        {
            return AllAs(events.Count, SendStatus.Stopped, "The Segment.Functions host is stopping or stopped.", "stopped");
        }

        var (routes, need) = RouteAll(events, options.Destinations);
        if (_journal is not null)
        {
            // Durable storage takes no room in memory: the group is committed whole or not at all.
            return await AppendAllAsync(events, routes, cancellationToken).ConfigureAwait(false);
        }

        for (var p = 0; p < _pipelines.Length; p++)
        {
            if (need[p] > _options.QueueCapacity)
            {
                return AllAs(events.Count, SendStatus.QueueFull,
                    $"The group needs room for {need[p]} events at \"{_pipelines[p].Name}\", more than its QueueCapacity ({_options.QueueCapacity}); send smaller groups.", "queue_full");
            }
        }

        var held = await ReserveAllAsync(need, options.MaxWait, cancellationToken).ConfigureAwait(false);
        if (held != SendStatus.Accepted)
        {
            return held switch
            {
                SendStatus.Stopped => AllAs(events.Count, SendStatus.Stopped, "The Segment.Functions host is stopping or stopped.", "stopped"),
                SendStatus.Cancelled => AllAs(events.Count, SendStatus.Cancelled, "Cancelled while waiting for room; no event was queued.", reason: null),
                _ => AllAs(events.Count, SendStatus.QueueFull,
                    $"No room for the whole group within {options.MaxWait.TotalSeconds:0.###} s (SendAllOptions.MaxWait); no event was queued.", "queue_full"),
            };
        }

        // Every unit of room is held: write each one (a write refused because the host is stopping gives its unit back).
        var results = new SendResult[events.Count];
        for (var i = 0; i < events.Count; i++)
        {
            var routed = 0;
            var stopped = false;
            foreach (var pipeline in routes[i] ?? [])
            {
                if (pipeline.WriteReserved(events[i]) == SendStatus.Accepted)
                {
                    routed++;
                }
                else
                {
                    stopped = true;
                }
            }

            results[i] = stopped
                ? new SendResult(SendStatus.Stopped, routed, "The Segment.Functions host is stopping or stopped.")
                : new SendResult(SendStatus.Accepted, routed);
        }

        return new SendBatchResult(results);
    }

    // Which destinations take each event (a filter that throws is recorded for that destination, as in RouteAsync), and how many events each needs room for.
    private (List<DestinationPipeline>?[] Routes, int[] Need) RouteAll(IReadOnlyList<SegmentEvent> events, IReadOnlySet<string>? only)
    {
        var routes = new List<DestinationPipeline>?[events.Count];
        var need = new int[_pipelines.Length];
        for (var i = 0; i < events.Count; i++)
        {
            for (var p = 0; p < _pipelines.Length; p++)
            {
                var pipeline = _pipelines[p];
                if (only is not null && !only.Contains(pipeline.Name))
                {
                    continue;
                }

                bool accepts;
                try
                {
                    accepts = pipeline.Accepts(events[i]);
                }
                catch (Exception exception)
                {
                    pipeline.Recorder.RecordFilterFailure(events[i], exception);
                    continue;
                }

                if (accepts)
                {
                    (routes[i] ??= []).Add(pipeline);
                    need[p]++;
                }
            }
        }

        return (routes, need);
    }

    // Destinations are reserved in registration order, so callers never wait on each other in a cycle.
    private async ValueTask<SendStatus> ReserveAllAsync(int[] need, TimeSpan maxWait, CancellationToken cancellationToken)
    {
        using var deadline = maxWait == Timeout.InfiniteTimeSpan ? new CancellationTokenSource() : new CancellationTokenSource(maxWait, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        for (var p = 0; p < _pipelines.Length; p++)
        {
            if (need[p] == 0)
            {
                continue;
            }

            var status = await _pipelines[p].Queue.ReserveAsync(need[p], linked.Token).ConfigureAwait(false);
            if (status == SendStatus.Accepted)
            {
                continue;
            }

            for (var q = 0; q < p; q++)
            {
                _pipelines[q].Queue.ReleaseRoom(need[q]);
            }

            return status == SendStatus.Cancelled && !cancellationToken.IsCancellationRequested ? SendStatus.QueueFull : status;
        }

        return SendStatus.Accepted;
    }

    private SendBatchResult AllAs(int count, SendStatus status, string error, string? reason)
    {
        var results = new SendResult[count];
        for (var i = 0; i < count; i++)
        {
            results[i] = new SendResult(status, 0, error);
            if (reason is not null)
            {
                _telemetry.Rejected(null, reason);
            }
        }

        return new SendBatchResult(results);
    }
}
