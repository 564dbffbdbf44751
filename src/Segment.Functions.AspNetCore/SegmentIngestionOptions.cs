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
