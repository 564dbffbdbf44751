using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Segment.Functions.AspNetCore.Internal;

/// <summary>Answers CORS preflights and puts the CORS headers on every answer to an allowed origin (<see cref="IngestionCorsOptions"/>).</summary>
internal sealed class IngestionCors
{
    private readonly bool _anyOrigin;
    private readonly HashSet<string> _origins;
    private readonly StringValues _allowHeaders;
    private readonly StringValues _maxAge;

    public IngestionCors(IngestionCorsOptions options)
    {
        _anyOrigin = options.AllowedOrigins.Any(o => o.Trim() == "*");
        _origins = options.AllowedOrigins.Select(Normalize).ToHashSet(StringComparer.OrdinalIgnoreCase);
        _allowHeaders = string.Join(", ", options.AllowedHeaders.Select(h => h.Trim().ToLowerInvariant()));
        _maxAge = ((long)options.MaxAge.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
        IsEnabled = options.AllowedOrigins.Count > 0;
    }

    /// <summary>Whether any origin is allowed (preflight routes are mapped only then).</summary>
    public bool IsEnabled { get; }

    /// <summary>Adds the CORS headers when the request comes from an allowed origin.</summary>
    /// <returns>Whether it does (or is no cross-origin request at all).</returns>
    public bool Apply(HttpContext context)
    {
        if (!IsEnabled)
        {
            return true;
        }

        var origin = context.Request.Headers.Origin.ToString();
        if (origin.Length == 0)
        {
            return true;
        }

        if (!_anyOrigin && !_origins.Contains(Normalize(origin)))
        {
            return false;
        }

        // The origin is echoed rather than "*", so pages that send credentials are served too.
        var headers = context.Response.Headers;
        headers.AccessControlAllowOrigin = origin;
        headers.Vary = "Origin";
        headers.AccessControlExposeHeaders = "Retry-After";
        return true;
    }

    /// <summary>Answers an <c>OPTIONS</c> preflight: 204 with what may be sent, or 403 for an origin not allowed.</summary>
    public IResult Preflight(HttpContext context)
    {
        if (!Apply(context))
        {
            return Results.Json(
                new IngestionProblem("origin_not_allowed", "This origin is not in SegmentIngestionOptions.Cors.AllowedOrigins."),
                statusCode: StatusCodes.Status403Forbidden);
        }

        var headers = context.Response.Headers;
        headers.AccessControlAllowMethods = "POST, OPTIONS";
        headers.AccessControlAllowHeaders = _allowHeaders;
        headers.AccessControlMaxAge = _maxAge;
        return Results.NoContent();
    }

    private static string Normalize(string origin) => origin.Trim().TrimEnd('/');
}
