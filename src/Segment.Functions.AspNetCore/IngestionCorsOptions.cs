using System.ComponentModel.DataAnnotations;

namespace Segment.Functions.AspNetCore;

/// <summary>
/// CORS for the ingestion endpoint, so browser SDKs (analytics.js, RudderStack's JavaScript SDK)
/// can post to it from web pages. Off until <see cref="AllowedOrigins"/> has an entry.
/// </summary>
/// <remarks>
/// When on, a preflight (<c>OPTIONS</c>) from an allowed origin is answered 204 with the allowed
/// methods and headers, and every answer to such an origin (200, 400, 401, 429 and 503 alike)
/// carries <c>Access-Control-Allow-Origin</c> and exposes <c>Retry-After</c> to the SDK.
/// </remarks>
public sealed class IngestionCorsOptions
{
    /// <summary>The default <see cref="AllowedHeaders"/>: what Segment's and RudderStack's browser SDKs send.</summary>
    public static readonly IReadOnlyList<string> DefaultAllowedHeaders =
        ["authorization", "content-type", "content-encoding", "x-retry-count", "anonymousid", "sentat", "retry-attempt", "retry-reason"];

    /// <summary>
    /// The origins allowed, e.g. <c>https://www.example.com</c> (scheme, host and port, as the
    /// browser sends them in <c>Origin</c>; compared without regard to case or a trailing slash),
    /// or <c>*</c> for any origin. Empty turns CORS off.
    /// </summary>
    /// <value>Empty: CORS off.</value>
    public IList<string> AllowedOrigins { get; } = [];

    /// <summary>The request headers a preflight may ask for.</summary>
    /// <value><see cref="DefaultAllowedHeaders"/>.</value>
    public IList<string> AllowedHeaders { get; } = [.. DefaultAllowedHeaders];

    /// <summary>How long a browser may cache a preflight's answer (<c>Access-Control-Max-Age</c>).</summary>
    /// <value>2 hours, the most Chromium keeps; between zero and 1 day.</value>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromHours(2);
}
