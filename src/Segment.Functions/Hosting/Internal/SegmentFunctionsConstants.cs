namespace Segment.Functions.Hosting.Internal;

/// <summary>The defaults and limits of <see cref="SegmentFunctionsOptions"/>: one place for the initializers, the docs and the <c>[Range]</c> attributes.</summary>
internal static class SegmentFunctionsConstants
{
    public const int DefaultQueueCapacity = 10_000;

    public const int MaxQueueCapacity = 10_000_000;

    public const QueueFullMode DefaultFullMode = QueueFullMode.Wait;

    public const int DefaultMaxConcurrency = 4;

    public const int MaxMaxConcurrency = 1024;

    public const int DefaultDeliveryRecordsPerDestination = 10_000;

    // Attribute arguments must be constants, so the TimeSpan bounds are written as TimeSpan strings.
    public const string MinShutdownTimeout = "00:00:00";

    public const string MaxShutdownTimeout = "1.00:00:00";

    public static readonly TimeSpan DefaultShutdownTimeout = TimeSpan.FromSeconds(30);
}
