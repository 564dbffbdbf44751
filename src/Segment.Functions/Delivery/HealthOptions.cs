using System.ComponentModel.DataAnnotations;
using Segment.Functions.Delivery.Internal;

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
    /// <value>100; between 1 and 100,000.</value>
    [Range(1, HealthConstants.MaxWindow)]
    public int Window { get; set; } = HealthConstants.DefaultWindow;

    /// <summary>Fewer attempts than this in the window always report healthy.</summary>
    /// <value>10; at least 1 and at most <see cref="Window"/>.</value>
    [Range(1, HealthConstants.MaxWindow)]
    public int MinimumAttempts { get; set; } = HealthConstants.DefaultMinimumAttempts;

    /// <summary>From this failure ratio (0–1) on, the destination is degraded.</summary>
    /// <value>0.2; more than 0 and at most 1.</value>
    [Range(0.0, 1.0, MinimumIsExclusive = true)]
    public double DegradedFailureRatio { get; set; } = HealthConstants.DefaultDegradedFailureRatio;

    /// <summary>From this failure ratio (0–1) on, the destination is unhealthy.</summary>
    /// <value>0.5; at least <see cref="DegradedFailureRatio"/> and at most 1.</value>
    [Range(0.0, 1.0, MinimumIsExclusive = true)]
    public double UnhealthyFailureRatio { get; set; } = HealthConstants.DefaultUnhealthyFailureRatio;
}
