namespace Segment.Functions;

/// <summary>What <c>OnBatch</c> returns: every event delivered, or one <see cref="EventStatus"/> per event.</summary>
public sealed class BatchResult
{
    private BatchResult(IReadOnlyList<EventStatus>? statuses) => Statuses = statuses;

    /// <summary>Every event of the batch was delivered.</summary>
    public static BatchResult Delivered { get; } = new(null);

    /// <summary>One status per event, by index; null for <see cref="Delivered"/>.</summary>
    public IReadOnlyList<EventStatus>? Statuses { get; }

    /// <summary>Reports each event's own result: 2xx delivered; 408, 429 and 5xx retried; anything else discarded.</summary>
    /// <param name="statuses">One status per event, in the order of the events.</param>
    public static BatchResult FromStatuses(IEnumerable<EventStatus> statuses)
    {
        ArgumentNullException.ThrowIfNull(statuses);
        return new BatchResult(statuses.ToArray());
    }
}
