using Segment.Functions.Hosting;

namespace Segment.Functions;

/// <summary>One HTTP request a function made during an invocation, and its response; secrets redacted, bodies capped.</summary>
public sealed record HttpTrace
{
    /// <summary>The HTTP method.</summary>
    public required string Method { get; init; }

    /// <summary>The absolute URL, secrets redacted.</summary>
    public required string Url { get; init; }

    /// <summary>Request headers (content headers included), secrets redacted; credentials headers always hidden.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> RequestHeaders { get; init; } = [];

    /// <summary>The request body as text, cut at <see cref="InvocationOptions.MaxHttpBodyBytes"/>; null when there was none.</summary>
    public string? RequestBody { get; init; }

    /// <summary>The response status code; null when no response came (a network error).</summary>
    public int? StatusCode { get; init; }

    /// <summary>Response headers, secrets redacted.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> ResponseHeaders { get; init; } = [];

    /// <summary>The response body as text, cut at <see cref="InvocationOptions.MaxHttpBodyBytes"/>.</summary>
    public string? ResponseBody { get; init; }

    /// <summary>The exception when no response came, e.g. <c>"HttpRequestException: Connection refused"</c>.</summary>
    public string? Error { get; init; }

    /// <summary>When the request started.</summary>
    public DateTimeOffset StartedAt { get; init; }

    /// <summary>How long it took until the response (or the error).</summary>
    public TimeSpan Duration { get; init; }

    /// <inheritdoc/>
    public override string ToString() =>
        $"{Method} {Url} → {(StatusCode is { } status ? status.ToString(System.Globalization.CultureInfo.InvariantCulture) : Error ?? "no response")}";
}
