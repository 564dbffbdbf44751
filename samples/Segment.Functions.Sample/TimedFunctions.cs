using Microsoft.Extensions.DependencyInjection;
using Segment.Functions;
using Segment.Functions.Hosting;

namespace Sample;

/// <summary>
/// Serve mode: notes when each event reaches the host (from the endpoint), so the summary's p50/p99
/// columns measure receipt to final record, as they measure send to final record in the main job.
/// Wraps the registered <see cref="ISegmentFunctions"/>; everything else passes through.
/// </summary>
public sealed class TimedFunctions(ISegmentFunctions inner, SummaryStore store) : ISegmentFunctions
{
    /// <summary>Replaces the registered <see cref="ISegmentFunctions"/> with one that times what it is given.</summary>
    public static void Register(IServiceCollection services, SummaryStore store)
    {
        var registered = services.Last(d => d.ServiceType == typeof(ISegmentFunctions));
        services.Remove(registered);
        services.AddSingleton<ISegmentFunctions>(sp => new TimedFunctions(
            (ISegmentFunctions)(registered.ImplementationFactory?.Invoke(sp) ?? registered.ImplementationInstance ?? ActivatorUtilities.CreateInstance(sp, registered.ImplementationType!)),
            store));
    }

    public IReadOnlyList<string> Destinations => inner.Destinations;

    public ValueTask<SendResult> SendAsync(SegmentEvent @event, CancellationToken cancellationToken = default)
    {
        Note(@event);
        return inner.SendAsync(@event, cancellationToken);
    }

    public ValueTask<SendResult> SendAsync(ReadOnlyMemory<byte> utf8Json, CancellationToken cancellationToken = default) => inner.SendAsync(utf8Json, cancellationToken);

    public ValueTask<SendResult> SendAsync(SegmentEvent @event, SendOptions options, CancellationToken cancellationToken = default)
    {
        Note(@event);
        return inner.SendAsync(@event, options, cancellationToken);
    }

    public ValueTask<SendResult> SendAsync(ReadOnlyMemory<byte> utf8Json, SendOptions options, CancellationToken cancellationToken = default) => inner.SendAsync(utf8Json, options, cancellationToken);

    public ValueTask<SendBatchResult> SendBatchAsync(IEnumerable<SegmentEvent> events, CancellationToken cancellationToken = default) =>
        inner.SendBatchAsync(events.Select(e =>
        {
            Note(e);
            return e;
        }), cancellationToken);

    public ValueTask<SendBatchResult> SendBatchAsync(ReadOnlyMemory<byte> utf8JsonArray, CancellationToken cancellationToken = default) => inner.SendBatchAsync(utf8JsonArray, cancellationToken);

    public ValueTask<SendBatchResult> SendAllOrNoneAsync(IReadOnlyList<SegmentEvent> events, SendAllOptions? options, CancellationToken cancellationToken = default)
    {
        foreach (var @event in events)
        {
            Note(@event);
        }

        return inner.SendAllOrNoneAsync(events, options, cancellationToken);
    }

    public DestinationStatus GetStatus(string destination) => inner.GetStatus(destination);

    public Task WaitForIdleAsync(CancellationToken cancellationToken = default) => inner.WaitForIdleAsync(cancellationToken);

    private void Note(SegmentEvent @event)
    {
        if (@event.MessageId is { } messageId)
        {
            store.Sent(messageId);
        }
    }
}
