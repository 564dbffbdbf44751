using Microsoft.Extensions.Logging;
using Segment.Functions.Pipeline.Internal;
using Segment.Functions.Telemetry.Internal;

namespace Segment.Functions.Hosting.Internal;

/// <summary>
/// Intake with durable storage (<see cref="IDeliveryJournal"/>): an event is accepted once it is
/// committed for every destination it was routed to, in one append (so an event is never stored for
/// some of its destinations and not the others); a group sent all-or-none is one append too.
/// </summary>
internal sealed partial class SegmentFunctionsHost
{
    /// <summary>Prepares durable storage, if any, then starts every destination.</summary>
    internal async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_journal is not null && Volatile.Read(ref _state) == 0)
        {
            await _journal.StartAsync([.. Destinations, Delivery.DeliveryRecord.RejectedInput], cancellationToken).ConfigureAwait(false);
        }

        Start();
    }

    private async ValueTask<SendResult> AppendAsync(SegmentEvent @event, DestinationPipeline? first, List<DestinationPipeline>? more, bool parsedHere, CancellationToken cancellationToken)
    {
        if (first is null)
        {
            return new SendResult(SendStatus.Accepted, 0);
        }

        var destinations = new string[1 + (more?.Count ?? 0)];
        destinations[0] = first.Name;
        for (var i = 1; i < destinations.Length; i++)
        {
            destinations[i] = more![i - 1].Name;
        }

        var result = await AppendAsync([Entry(@event, destinations, parsedHere)], cancellationToken).ConfigureAwait(false);
        return result.Status == SendStatus.Accepted ? new SendResult(SendStatus.Accepted, destinations.Length) : result;
    }

    private async ValueTask<SendBatchResult> AppendAllAsync(IReadOnlyList<SegmentEvent> events, List<DestinationPipeline>?[] routes, CancellationToken cancellationToken)
    {
        var entries = new List<JournalEntry>(events.Count);
        for (var i = 0; i < events.Count; i++)
        {
            if (routes[i] is { } route)
            {
                entries.Add(Entry(events[i], route.ConvertAll(p => p.Name), untouched: false));
            }
        }

        var result = entries.Count == 0 ? new SendResult(SendStatus.Accepted, 0) : await AppendAsync(entries, cancellationToken).ConfigureAwait(false);
        var results = new SendResult[events.Count];
        for (var i = 0; i < events.Count; i++)
        {
            results[i] = result.Status == SendStatus.Accepted ? new SendResult(SendStatus.Accepted, routes[i]?.Count ?? 0) : result;
        }

        return new SendBatchResult(results);
    }

    private async ValueTask<SendResult> AppendAsync(IReadOnlyList<JournalEntry> entries, CancellationToken cancellationToken)
    {
        try
        {
            await _journal!.AppendAsync(entries, cancellationToken).ConfigureAwait(false);
            return new SendResult(SendStatus.Accepted, 0);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return new SendResult(SendStatus.Cancelled, 0, "Cancelled before the event was committed; nothing was stored.");
        }
        catch (ObjectDisposedException)
        {
            return new SendResult(SendStatus.Stopped, 0, "The Segment.Functions host is stopping or stopped.");
        }
        catch (Exception exception)
        {
            Log.Safely(() => Log.AppendFailed(_logger, entries.Count, exception));
            _telemetry.Rejected(null, "unavailable");
            return new SendResult(SendStatus.Unavailable, 0, "Durable storage could not commit the event; nothing was stored. Send it again later.");
        }
    }

    private static JournalEntry Entry(SegmentEvent @event, IReadOnlyList<string> destinations, bool untouched) =>
        new(@event.ToUtf8(untouched), @event.MessageId ?? "", @event.Type, destinations);
}
