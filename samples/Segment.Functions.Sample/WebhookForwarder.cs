using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Segment.Functions;

namespace Sample;

public sealed class WebhookSettings
{
    [Setting(Label = "Webhook URL", Description = "Where each event is posted", Required = true)]
    public string Url { get; set; } = "";

    [Setting(Label = "Shared Secret", Description = "Signs each body (X-Signature)", Required = true, Encrypted = true)]
    public string SharedSecret { get; set; } = "";
}

/// <summary>A single-event function: posts every event, signed, to a webhook.</summary>
public sealed class WebhookForwarder : DestinationFunction<WebhookSettings>
{
    public override Task OnTrack(TrackEvent @event, WebhookSettings settings, CancellationToken cancellationToken) => ForwardAsync(@event, settings, cancellationToken);

    public override Task OnIdentify(IdentifyEvent @event, WebhookSettings settings, CancellationToken cancellationToken) => ForwardAsync(@event, settings, cancellationToken);

    public override Task OnPage(PageEvent @event, WebhookSettings settings, CancellationToken cancellationToken) => ForwardAsync(@event, settings, cancellationToken);

    public override Task OnScreen(ScreenEvent @event, WebhookSettings settings, CancellationToken cancellationToken) => ForwardAsync(@event, settings, cancellationToken);

    public override Task OnGroup(GroupEvent @event, WebhookSettings settings, CancellationToken cancellationToken) => ForwardAsync(@event, settings, cancellationToken);

    public override Task OnAlias(AliasEvent @event, WebhookSettings settings, CancellationToken cancellationToken) => ForwardAsync(@event, settings, cancellationToken);

    // Deletes are not forwarded: this webhook has no use for them (they are discarded as "Unsupported Event Type").

    private async Task ForwardAsync(SegmentEvent @event, WebhookSettings settings, CancellationToken cancellationToken)
    {
        var body = @event.ToJson();
        using var request = new HttpRequestMessage(HttpMethod.Post, settings.Url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Signature", "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(settings.SharedSecret), Encoding.UTF8.GetBytes(body))));

        // A connection error, 408, 429 or 5xx: try again later (after the Retry-After, if any).
        using var response = await RetryError.ThrowIfRetryableAsync(Http.SendAsync(request, cancellationToken));
        if (!response.IsSuccessStatusCode)
        {
            Logger.LogWarning("Webhook refused {Type} {MessageId}: {Status}", @event.Type, @event.MessageId, (int)response.StatusCode);
            throw new ValidationError($"HTTP Status {(int)response.StatusCode}");
        }
    }
}
