namespace Segment.Functions.Hosting;

/// <summary>A snapshot of the events a destination holds right now.</summary>
/// <param name="Name">The destination's name.</param>
/// <param name="Queued">Waiting in the queue or in a batch being formed.</param>
/// <param name="InFlight">Being handled by an invocation.</param>
/// <param name="WaitingForRetry">Waiting for their next attempt.</param>
public readonly record struct DestinationStatus(string Name, int Queued, int InFlight, int WaitingForRetry)
{
    /// <summary>Every event that has no final outcome yet: queued, in flight or waiting for a retry.</summary>
    public int Pending => Queued + InFlight + WaitingForRetry;
}
