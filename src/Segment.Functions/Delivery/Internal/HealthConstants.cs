namespace Segment.Functions.Delivery.Internal;

/// <summary>The defaults and limits of <see cref="HealthOptions"/>: one place for the initializers, the docs and the <c>[Range]</c> attributes.</summary>
internal static class HealthConstants
{
    public const int DefaultWindow = 100;

    // The window is a buffer of this many flags per destination; a bound keeps a typo from allocating gigabytes.
    public const int MaxWindow = 100_000;

    public const int DefaultMinimumAttempts = 10;

    public const double DefaultDegradedFailureRatio = 0.2;

    public const double DefaultUnhealthyFailureRatio = 0.5;
}
