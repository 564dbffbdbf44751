using System.Net;
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
        HttpResponseMessage response;
        try
        {
            response = await Http.PostAsJsonAsync(settings.Endpoint,
                new { event_name = @event.Event, event_properties = @event.Properties, timestamp = @event.Timestamp },
                cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw new RetryError(e.Message);
        }

        if ((int)response.StatusCode >= 500 || response.StatusCode == HttpStatusCode.TooManyRequests)
            throw new RetryError($"HTTP Status {(int)response.StatusCode}");
    }

    public override async Task<BatchResult> OnBatch(IReadOnlyList<SegmentEvent> events, AcmeSettings settings, CancellationToken cancellationToken)
    {
        var response = await Http.PostAsJsonAsync(settings.Endpoint + "/batch", events, cancellationToken);
        return response.IsSuccessStatusCode ? BatchResult.Delivered : throw new RetryError($"HTTP Status {(int)response.StatusCode}");
    }
}
