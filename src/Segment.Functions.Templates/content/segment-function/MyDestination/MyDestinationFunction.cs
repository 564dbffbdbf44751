using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Segment.Functions;

namespace MyDestination;

/// <summary>
/// A destination function. Each handler gets one event type; keep the ones you need. A handler
/// that throws EventNotSupported (the default for one you delete) discards that type of event.
/// </summary>
public sealed class MyDestinationFunction : DestinationFunction<MyDestinationSettings>
{
    public override async Task OnTrack(TrackEvent @event, MyDestinationSettings settings, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, settings.Endpoint)
        {
            Content = JsonContent.Create(new { event_name = @event.Event, event_properties = @event.Properties, timestamp = @event.Timestamp }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(settings.ApiKey + ":")));

        // Retry on connection errors, 408, 429 (rate limits) and 5xx, after the Retry-After if the API sent one.
        using var response = await RetryError.ThrowIfRetryableAsync(Http.SendAsync(request, cancellationToken));
    }

    public override Task OnIdentify(IdentifyEvent @event, MyDestinationSettings settings, CancellationToken cancellationToken) =>
        throw new EventNotSupported("identify is not supported");

    public override Task OnGroup(GroupEvent @event, MyDestinationSettings settings, CancellationToken cancellationToken) =>
        throw new EventNotSupported("group is not supported");

    public override Task OnPage(PageEvent @event, MyDestinationSettings settings, CancellationToken cancellationToken) =>
        throw new EventNotSupported("page is not supported");

    public override Task OnScreen(ScreenEvent @event, MyDestinationSettings settings, CancellationToken cancellationToken) =>
        throw new EventNotSupported("screen is not supported");

    public override Task OnAlias(AliasEvent @event, MyDestinationSettings settings, CancellationToken cancellationToken) =>
        throw new EventNotSupported("alias is not supported");

    public override Task OnDelete(DeleteEvent @event, MyDestinationSettings settings, CancellationToken cancellationToken) =>
        throw new EventNotSupported("delete is not supported");
}
