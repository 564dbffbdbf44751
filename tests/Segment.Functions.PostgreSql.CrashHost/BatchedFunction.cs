namespace Segment.Functions.PostgreSql.CrashHost;

/// <summary>
/// The "Batched" destination: a batch is one POST of all its messageIds, and the downstream's
/// per-event statuses are returned as they are (200 delivered, 500 retried: only the failed events of
/// a batch are tried again). An event sent alone (the host's low-volume fallback) takes the same path.
/// </summary>
public sealed class BatchedFunction : DestinationFunction<DownstreamSettings>
{
    /// <inheritdoc />
    public override async Task<BatchResult> OnBatch(IReadOnlyList<SegmentEvent> events, DownstreamSettings settings, CancellationToken cancellationToken)
    {
        var statuses = await Downstream.PostAsync(Http, settings, Downstream.BatchedPath, [.. events.Select(Downstream.MessageIdOf)], cancellationToken);
        return BatchResult.FromStatuses(statuses.Select(status => new EventStatus(status, status >= 300 ? $"HTTP Status {status}" : null)));
    }

    /// <inheritdoc />
    public override async Task OnTrack(TrackEvent @event, DownstreamSettings settings, CancellationToken cancellationToken)
    {
        var statuses = await Downstream.PostAsync(Http, settings, Downstream.BatchedPath, [Downstream.MessageIdOf(@event)], cancellationToken);
        if (!new EventStatus(statuses[0]).IsSuccess)
        {
            throw new RetryError($"HTTP Status {statuses[0]}");
        }
    }
}
