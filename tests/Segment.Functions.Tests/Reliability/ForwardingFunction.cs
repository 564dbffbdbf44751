using System.Net;

namespace Segment.Functions.Tests.Reliability;

public sealed class ForwardingSettings
{
    public const string Secret = "fwd-secret-5b1e2d";

    [Setting(Label = "URL", Required = true)]
    public string Url { get; set; } = "";

    [Setting(Label = "Token", Encrypted = true)]
    public string Token { get; set; } = Secret;
}

/// <summary>Posts each event to its URL and maps what happens the way a careful function author would.</summary>
public sealed class ForwardingFunction : DestinationFunction<ForwardingSettings>
{
    public override async Task OnTrack(TrackEvent @event, ForwardingSettings settings, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, settings.Url) { Content = new StringContent(@event.ToJson()) };
        request.Headers.Add("X-Token", settings.Token);
        try
        {
            using var response = await Http.SendAsync(request, cancellationToken);
            // Read the whole body: a truncated or reset response fails here.
            await response.Content.ReadAsStringAsync(cancellationToken);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                throw new RetryError("HTTP Status 429") { RetryAfter = response.Headers.RetryAfter?.Delta };
            }

            if ((int)response.StatusCode >= 500)
            {
                throw new RetryError($"HTTP Status {(int)response.StatusCode}");
            }

            if (!response.IsSuccessStatusCode)
            {
                throw new ValidationError($"HTTP Status {(int)response.StatusCode}");
            }
        }
        catch (HttpRequestException e)
        {
            throw new RetryError($"{e.HttpRequestError}: {e.Message}");
        }
        catch (IOException e)
        {
            throw new RetryError($"Reading the response failed: {e.Message}");
        }
    }
}
