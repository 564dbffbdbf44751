namespace Segment.Functions.Delivery;

/// <summary>When a destination's health check reports degraded or unhealthy, from its recent attempts.</summary>
/// <remarks>
/// Failures are attempts that ended in a retry, an expiry, a timeout, an unknown error or invalid
/// settings. Discards that are the event's own fault (unsupported type, bad request, message
/// rejected) do not count against the destination.
/// </remarks>
public sealed class HealthOptions
{
    /// <summary>How many of the most recent attempts are looked at.</summary>
    /// <value>100.</value>
    public int Window { get; set; } = 100;

    /// <summary>Fewer attempts than this in the window always report healthy.</summary>
    /// <value>10.</value>
    public int MinimumAttempts { get; set; } = 10;

    /// <summary>From this failure ratio (0–1) on, the destination is degraded.</summary>
    /// <value>0.2.</value>
    public double DegradedFailureRatio { get; set; } = 0.2;

    /// <summary>From this failure ratio (0–1) on, the destination is unhealthy.</summary>
    /// <value>0.5.</value>
    public double UnhealthyFailureRatio { get; set; } = 0.5;
}
