namespace Segment.Functions.AspNetCore.Internal;

/// <summary>The defaults and limits of <see cref="SegmentIngestionOptions"/>: one place for the initializers, the docs and the <c>[Range]</c> attributes.</summary>
internal static class SegmentIngestionConstants
{
    /// <summary>As Segment's Tracking API.</summary>
    public const string DefaultRoutePrefix = "/v1";

    /// <summary>500 KB, Segment's limit.</summary>
    public const int DefaultMaxBatchBytes = 500 * 1024;

    public const int MinMaxBatchBytes = 1024;

    public const int MaxMaxBatchBytes = 64 * 1024 * 1024;

    /// <summary>Segment's limit.</summary>
    public const int DefaultMaxBatchEvents = 2500;

    public const int MaxMaxBatchEvents = 100_000;
}
