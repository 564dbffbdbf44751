namespace Segment.Functions;

/// <summary>
/// Options of the host that runs the registered destinations. Set them in
/// <c>services.AddSegmentFunctions(options =&gt; …)</c> or bind them from configuration; they are
/// checked when the host starts, and a bad value stops it with a message naming the option.
/// </summary>
public sealed class SegmentFunctionsOptions
{
    /// <summary>
    /// The most events one destination holds at once: queued, being handled, and waiting for a retry.
    /// When it is reached, <see cref="FullMode"/> decides what <c>SendAsync</c> does. This bounds memory.
    /// </summary>
    /// <value>10,000.</value>
    public int QueueCapacity { get; set; } = 10_000;

    /// <summary>What <c>SendAsync</c> does when a destination is at <see cref="QueueCapacity"/>.</summary>
    /// <value><see cref="QueueFullMode.Wait"/>.</value>
    public QueueFullMode FullMode { get; set; } = QueueFullMode.Wait;

    /// <summary>How many invocations of one destination may run at the same time.</summary>
    /// <value>4.</value>
    public int MaxConcurrency { get; set; } = 4;

    /// <summary>
    /// When the host stops (intake closed), how long it keeps delivering: what is queued, batches
    /// being formed (sent at once), and retries that fall due meanwhile. Then it cancels what still
    /// runs and reports what is left, by kind (queued, in flight, waiting for retry).
    /// </summary>
    /// <value>30 seconds.</value>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How many recent delivery records the default in-memory store keeps per destination (counts are kept for all).</summary>
    /// <value>10,000.</value>
    public int DeliveryRecordsPerDestination { get; set; } = 10_000;

    /// <summary>Size and depth limits for events given as JSON.</summary>
    /// <value>32 KB per event, depth 64.</value>
    public EventParseOptions Parsing { get; set; } = new();

    /// <summary>The invocation timeout and the caps on captured logs and HTTP traces.</summary>
    public InvocationOptions Invocation { get; set; } = new();

    /// <summary>Batch size, wait and the low-volume fallback, for functions that override <c>OnBatch</c>.</summary>
    public BatchingOptions Batching { get; set; } = new();

    /// <summary>The retry backoff and the 4-hour retry window.</summary>
    public RetryOptions Retry { get; set; } = new();

    /// <summary>The size limit of the cache the functions share.</summary>
    /// <value>10,000 entries.</value>
    public FunctionCacheOptions Cache { get; set; } = new();

    /// <summary>The thresholds of the per-destination health checks.</summary>
    public HealthOptions Health { get; set; } = new();
}
