namespace Segment.Functions.PostgreSql.CrashHost;

/// <summary>The "Single" destination: each track event is one POST of its messageId; a 5xx answer is retried.</summary>
public sealed class SingleFunction : DestinationFunction<DownstreamSettings>
{
    /// <inheritdoc />
    public override async Task OnTrack(TrackEvent @event, DownstreamSettings settings, CancellationToken cancellationToken)
    {
        var statuses = await Downstream.PostAsync(Http, settings, Downstream.SinglePath, [Downstream.MessageIdOf(@event)], cancellationToken);
        if (!new EventStatus(statuses[0]).IsSuccess)
        {
            throw new RetryError($"HTTP Status {statuses[0]}");
        }
    }
}
