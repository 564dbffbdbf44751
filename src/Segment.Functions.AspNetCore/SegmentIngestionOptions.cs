namespace Segment.Functions.AspNetCore;

/// <summary>Options of the HTTP ingestion endpoint (<c>app.MapSegmentIngestion()</c>).</summary>
public sealed class SegmentIngestionOptions
{
    /// <summary>The route prefix of the endpoints, e.g. <c>/v1</c> → <c>POST /v1/track</c>.</summary>
    /// <value><c>/v1</c>, as Segment's Tracking API.</value>
    public string RoutePrefix { get; set; } = "/v1";

    /// <summary>
    /// The write keys accepted (in <c>Authorization: Basic base64("key:")</c> or a <c>writeKey</c> in
    /// the body). Empty means the endpoint is open: any request is accepted (logged at start).
    /// </summary>
    public IList<IngestionWriteKey> WriteKeys { get; } = [];

    /// <summary>The largest request body of a batch (<c>/v1/batch</c>, <c>/v1/import</c>), in bytes after gzip is undone.</summary>
    /// <value>512,000 (500 KB), Segment's limit.</value>
    public int MaxBatchBytes { get; set; } = 500 * 1024;

    /// <summary>The most events one batch request may hold.</summary>
    /// <value>2,500, Segment's limit.</value>
    public int MaxBatchEvents { get; set; } = 2500;
}

/// <summary>A write key the endpoint accepts, and the destinations its events may reach.</summary>
public sealed class IngestionWriteKey
{
    /// <summary>The key.</summary>
    public string Key { get; set; } = "";

    /// <summary>The names of the destinations its events go to; null or empty means all of them.</summary>
    public IList<string>? Destinations { get; set; }
}
