using Microsoft.Extensions.Http.Resilience;

namespace Segment.Functions.Hosting;

/// <summary>Per-destination choices beyond its settings.</summary>
public sealed class DestinationOptions
{
    /// <summary>
    /// A destination filter: only events for which it returns true reach the function (after the
    /// event's <c>integrations</c> object). An exception from it discards the event for this
    /// destination with "Unknown Error". Null lets every event through.
    /// </summary>
    public Func<SegmentEvent, bool>? Filter { get; set; }

    /// <summary>
    /// Changes the standard resilience handler of this destination's <see cref="HttpClient"/> (retries
    /// inside one invocation, circuit breaker, timeouts), after the host fitted its total timeout to
    /// the invocation timeout. Null keeps the host's tuning.
    /// </summary>
    /// <example><c>destination.ConfigureResilience = r =&gt; r.Retry.MaxRetryAttempts = 1;</c></example>
    public Action<HttpStandardResilienceOptions>? ConfigureResilience { get; set; }
}
