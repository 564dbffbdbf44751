namespace Segment.Functions.Batching.Internal;

/// <summary>The defaults and limits of <see cref="BatchingOptions"/>: one place for the initializers, the docs and the <c>[Range]</c> attributes.</summary>
internal static class BatchingConstants
{
    public const int DefaultMaxSize = 20;

    /// <summary>Segment's own limit; public as <see cref="BatchingOptions.Limit"/>.</summary>
    public const int MaxSize = 400;

    public const string MinMaxWait = "00:00:00.001";

    public const string MaxMaxWait = "01:00:00";

    public const double DefaultLowVolumeEventsPerSecond = 1.0;

    public const double MaxLowVolumeEventsPerSecond = 1_000_000;

    public static readonly TimeSpan DefaultMaxWait = TimeSpan.FromSeconds(10);
}
