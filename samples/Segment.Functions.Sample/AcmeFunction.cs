using System.Net.Http.Json;
using Segment.Functions;

namespace Acme;

public sealed class AcmeSettings
{
    [Setting(Label = "API Key", Description = "A secret API key", Required = true, Encrypted = true)]
    public string ApiKey { get; set; } = "";

    [Setting(Label = "Endpoint", Required = true)]
    public string Endpoint { get; set; } = "";
}

public sealed class AcmeFunction : DestinationFunction<AcmeSettings>
{
    public override async Task OnTrack(TrackEvent @event, AcmeSettings settings, CancellationToken cancellationToken)
    {
        // A connection error, 408, 429 or 5xx throws RetryError (with the Retry-After, if any): the event is tried again later.
        using var response = await RetryError.ThrowIfRetryableAsync(Http.PostAsJsonAsync(settings.Endpoint,
            new { event_name = @event.Event, event_properties = @event.Properties, timestamp = @event.Timestamp },
            cancellationToken));
    }

    public override async Task<BatchResult> OnBatch(IReadOnlyList<SegmentEvent> events, AcmeSettings settings, CancellationToken cancellationToken)
    {
        using var response = await RetryError.ThrowIfRetryableAsync(Http.PostAsJsonAsync(settings.Endpoint + "/batch", events, cancellationToken));
        return response.IsSuccessStatusCode ? BatchResult.Delivered : throw new ValidationError($"HTTP Status {(int)response.StatusCode}");
    }
}
