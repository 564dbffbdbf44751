using System.Diagnostics.Metrics;

namespace Segment.Functions.AspNetCore.Internal;

/// <summary>
/// The ingestion endpoint's metrics, on the host's meter <c>Segment.Functions</c> (from
/// <see cref="IMeterFactory"/>, so the same meter instance as the core's). Tags never hold a
/// write key or event content.
/// </summary>
internal sealed class IngestionTelemetry
{
    private readonly Counter<long> _duplicates;
    private readonly Counter<long> _refused;

    public IngestionTelemetry(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create("Segment.Functions");
        _duplicates = meter.CreateCounter<long>("segment.functions.ingestion.duplicates", "{event}", "Events dropped because their messageId was accepted recently from the same write key.");
        _refused = meter.CreateCounter<long>("segment.functions.ingestion.refused", "{request}", "Requests answered 429 or 503 so that the client sends them again, by reason (busy, no_room, in_flight, stopping).");
    }

    public void Duplicates(int count)
    {
        if (count > 0)
        {
            _duplicates.Add(count);
        }
    }

    public void Refused(string reason) => _refused.Add(1, new KeyValuePair<string, object?>("reason", reason));
}
