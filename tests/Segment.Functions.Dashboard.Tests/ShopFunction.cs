using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.Logging;

namespace Segment.Functions.Dashboard.Tests;

public sealed class ShopSettings
{
    public const string Secret = "shop-secret-key-5d1e";

    [Setting(Label = "Endpoint", Required = true)]
    public string Endpoint { get; set; } = "";

    [Setting(Label = "API Key", Required = true, Encrypted = true)]
    public string ApiKey { get; set; } = Secret;
}

/// <summary>Posts each track to the fake API: 2xx delivers, 400 discards (ValidationError), 5xx retries; a "down" property retries without a request.</summary>
public sealed class ShopFunction : DestinationFunction<ShopSettings>
{
    public override async Task OnTrack(TrackEvent @event, ShopSettings settings, CancellationToken cancellationToken)
    {
        if (@event.Properties.ContainsKey("down"))
        {
            throw new RetryError("The shop is down for maintenance");
        }

        Logger.LogInformation("Sending {Event} with key {Key}", @event.Event, settings.ApiKey);
        using var response = await Http.PostAsJsonAsync($"{settings.Endpoint}/track?key={settings.ApiKey}", new { @event.Event, @event.Properties }, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (response.StatusCode == HttpStatusCode.BadRequest)
        {
            throw new ValidationError($"The shop rejected the event: {body}");
        }

        if ((int)response.StatusCode >= 500)
        {
            throw new RetryError($"HTTP Status {(int)response.StatusCode}");
        }
    }
}
