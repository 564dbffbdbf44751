using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using Segment.Functions.AspNetCore.Internal;

namespace Segment.Functions.AspNetCore;

/// <summary>Options of the HTTP ingestion endpoint (<c>app.MapSegmentIngestion()</c>), checked when the host starts.</summary>
public sealed class SegmentIngestionOptions
{
    /// <summary>The route prefix of the endpoints, e.g. <c>/v1</c> → <c>POST /v1/track</c>.</summary>
    /// <value><c>/v1</c>, as Segment's Tracking API; required.</value>
    [Required]
    public string RoutePrefix { get; set; } = SegmentIngestionConstants.DefaultRoutePrefix;

    /// <summary>
    /// The write keys accepted (in <c>Authorization: Basic base64("key:")</c> or a <c>writeKey</c> in
    /// the body). Empty means the endpoint is open: any request is accepted (logged at start).
    /// </summary>
    /// <value>Empty; each key must be non-empty and appear once.</value>
    [ValidateEnumeratedItems]
    public IList<IngestionWriteKey> WriteKeys { get; } = [];

    /// <summary>The largest request body of a batch (<c>/v1/batch</c>, <c>/v1/import</c>), in bytes after gzip is undone.</summary>
    /// <value>512,000 (500 KB), Segment's limit; between 1,024 and 67,108,864 (64 MB).</value>
    [Range(SegmentIngestionConstants.MinMaxBatchBytes, SegmentIngestionConstants.MaxMaxBatchBytes)]
    public int MaxBatchBytes { get; set; } = SegmentIngestionConstants.DefaultMaxBatchBytes;

    /// <summary>The most events one batch request may hold.</summary>
    /// <value>2,500, Segment's limit; between 1 and 100,000.</value>
    [Range(1, SegmentIngestionConstants.MaxMaxBatchEvents)]
    public int MaxBatchEvents { get; set; } = SegmentIngestionConstants.DefaultMaxBatchEvents;

    /// <summary>
    /// The most requests handled at once: being read, parsed, or waiting for room in the
    /// destinations' queues. A request past it is answered <c>429 Too Many Requests</c> with
    /// <c>Retry-After</c> before its body is read, so the memory requests hold is bounded by
    /// this number times what one request takes (its body and its parse), whatever the clients do.
    /// A request holds its place while its body arrives: slow clients are cut off by Kestrel's
    /// <c>MinRequestBodyDataRate</c>.
    /// </summary>
    /// <value>32; between 1 and 100,000.</value>
    [Range(1, 100_000)]
    public int MaxConcurrentRequests { get; set; } = 32;

    /// <summary>
    /// How long a request waits for room for all of its events in the destinations' queues. When
    /// the room does not come in time, none of its events is taken and the answer is
    /// <c>429 Too Many Requests</c> with <c>Retry-After</c>, which Segment's SDKs honour by sending
    /// the same batch again. <see cref="TimeSpan.Zero"/> answers at once. Whatever
    /// <see cref="Hosting.SegmentFunctionsOptions.FullMode"/> says, the endpoint never answers 200 for an
    /// event it did not take.
    /// </summary>
    /// <value>2 seconds, well inside the SDKs' 10-second request timeout; between zero and 1 minute.</value>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan MaxWaitForRoom { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The <c>Retry-After</c> sent with a 429 or 503, rounded up to whole seconds.</summary>
    /// <value>1 second; between 1 second and 1 hour.</value>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>CORS, for browser SDKs such as analytics.js; off until an origin is allowed.</summary>
    [Required]
    [ValidateObjectMembers]
    public IngestionCorsOptions Cors { get; set; } = new();

    /// <summary>Dropping events whose <c>messageId</c> was seen recently from the same write key (SDKs retry, so duplicates are normal input).</summary>
    [Required]
    [ValidateObjectMembers]
    public IngestionDedupeOptions Dedupe { get; set; } = new();
}

/// <summary>A write key the endpoint accepts, and the destinations its events may reach.</summary>
public sealed class IngestionWriteKey
{
    /// <summary>The key.</summary>
    /// <value>Empty, which is not accepted: set it.</value>
    [Required]
    public string Key { get; set; } = "";

    /// <summary>The names of the destinations its events go to; null or empty means all of them.</summary>
    /// <value>Null: all destinations.</value>
    public IList<string>? Destinations { get; set; }
}
