namespace Segment.Functions.Hosting;

/// <summary>The answer to one event sent to the host.</summary>
/// <param name="Status">Accepted, invalid, queue full or stopped.</param>
/// <param name="Routed">How many destinations the event was queued for.</param>
/// <param name="Error">Why the event was not (fully) accepted; null when it was.</param>
public readonly record struct SendResult(SendStatus Status, int Routed, string? Error = null)
{
    /// <summary>Whether the event was queued for every destination it is routed to.</summary>
    public bool IsAccepted => Status == SendStatus.Accepted;
}

/// <summary>The answer to a batch of events sent to the host: one <see cref="SendResult"/> per event, by index.</summary>
/// <param name="Results">The result of each event, in the order given.</param>
public sealed record SendBatchResult(IReadOnlyList<SendResult> Results)
{
    /// <summary>How many events were accepted.</summary>
    public int Accepted => Results.Count(r => r.IsAccepted);

    /// <summary>How many events were not accepted (invalid, queue full or stopped).</summary>
    public int Rejected => Results.Count - Accepted;
}
