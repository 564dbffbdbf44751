using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using Segment.Functions.Batching;
using Segment.Functions.Delivery;
using Segment.Functions.Hosting.Internal;
using Segment.Functions.Retries;

namespace Segment.Functions.Hosting;

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
    /// <value>10,000; between 1 and 10,000,000.</value>
    [Range(1, SegmentFunctionsConstants.MaxQueueCapacity)]
    public int QueueCapacity { get; set; } = SegmentFunctionsConstants.DefaultQueueCapacity;

    /// <summary>What <c>SendAsync</c> does when a destination is at <see cref="QueueCapacity"/>.</summary>
    /// <value><see cref="QueueFullMode.Wait"/>.</value>
    [EnumDataType(typeof(QueueFullMode), ErrorMessage = "The field {0} must be Wait or Reject.")]
    public QueueFullMode FullMode { get; set; } = SegmentFunctionsConstants.DefaultFullMode;

    /// <summary>How many invocations of one destination may run at the same time.</summary>
    /// <value>4; between 1 and 1,024.</value>
    [Range(1, SegmentFunctionsConstants.MaxMaxConcurrency)]
    public int MaxConcurrency { get; set; } = SegmentFunctionsConstants.DefaultMaxConcurrency;

    /// <summary>
    /// When the host stops (intake closed), how long it keeps delivering: what is queued, batches
    /// being formed (sent at once), and retries that fall due meanwhile. Then it cancels what still
    /// runs and reports what is left, by kind (queued, in flight, waiting for retry).
    /// </summary>
    /// <value>30 seconds; between zero and 1 day.</value>
    [Range(typeof(TimeSpan), SegmentFunctionsConstants.MinShutdownTimeout, SegmentFunctionsConstants.MaxShutdownTimeout)]
    public TimeSpan ShutdownTimeout { get; set; } = SegmentFunctionsConstants.DefaultShutdownTimeout;

    /// <summary>How many recent delivery records the default in-memory store keeps per destination (counts are kept for all).</summary>
    /// <value>10,000; at least 1.</value>
    [Range(1, int.MaxValue)]
    public int DeliveryRecordsPerDestination { get; set; } = SegmentFunctionsConstants.DefaultDeliveryRecordsPerDestination;

    /// <summary>Size and depth limits for events given as JSON.</summary>
    /// <value>32 KB per event, depth 64 (see <see cref="EventParseOptions"/>).</value>
    [Required]
    [ValidateObjectMembers]
    public EventParseOptions Parsing { get; set; } = new();

    /// <summary>The invocation timeout and the caps on captured logs and HTTP traces.</summary>
    /// <value>A 5-second timeout, 4 KB of logs (see <see cref="InvocationOptions"/>).</value>
    [Required]
    [ValidateObjectMembers(typeof(InvocationOptionsValidator))]
    public InvocationOptions Invocation { get; set; } = new();

    /// <summary>Batch size, wait and the low-volume fallback, for functions that override <c>OnBatch</c>.</summary>
    /// <value>20 events or 10 seconds (see <see cref="BatchingOptions"/>).</value>
    [Required]
    [ValidateObjectMembers]
    public BatchingOptions Batching { get; set; } = new();

    /// <summary>The retry backoff and the 4-hour retry window.</summary>
    /// <value>Waits from 1 second up to 10 minutes, for 4 hours (see <see cref="RetryOptions"/>).</value>
    [Required]
    [ValidateObjectMembers]
    public RetryOptions Retry { get; set; } = new();

    /// <summary>The size limit of the cache the functions share.</summary>
    /// <value>10,000 entries (see <see cref="FunctionCacheOptions"/>).</value>
    [Required]
    [ValidateObjectMembers]
    public FunctionCacheOptions Cache { get; set; } = new();

    /// <summary>The thresholds of the per-destination health checks.</summary>
    /// <value>Over the last 100 attempts: degraded from 20% failures, unhealthy from 50% (see <see cref="HealthOptions"/>).</value>
    [Required]
    [ValidateObjectMembers]
    public HealthOptions Health { get; set; } = new();
}
