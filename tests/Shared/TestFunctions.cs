using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.Logging;

namespace Segment.Functions.Tests.Testing;

public sealed class WebhookSettings
{
    [Setting(Label = "API Key", Description = "A secret API key", Required = true, Encrypted = true)]
    public string ApiKey { get; set; } = "";

    [Setting(Label = "Endpoint", Required = true)]
    public string Endpoint { get; set; } = "";
}

/// <summary>A function whose handlers each do one thing the tests look for.</summary>
public sealed class ScriptedFunction : DestinationFunction<WebhookSettings>
{
    public int LoadCount;

    /// <summary>Forwards the track event with the key in a header, the query string and the body.</summary>
    public override async Task OnTrack(TrackEvent @event, WebhookSettings settings, CancellationToken cancellationToken)
    {
        Logger.LogInformation("Sending {Event} for {UserId}", @event.Event, @event.UserId);
        HttpResponseMessage response;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"{settings.Endpoint}?api_key={settings.ApiKey}")
            {
                Content = JsonContent.Create(new { key = settings.ApiKey, name = @event.Event }),
            };
            request.Headers.Add("X-Custom-Key", settings.ApiKey);
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", settings.ApiKey);
            response = await Http.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw new RetryError(e.Message, e);
        }

        if ((int)response.StatusCode >= 500 || response.StatusCode == HttpStatusCode.TooManyRequests)
        {
            throw new RetryError($"HTTP Status {(int)response.StatusCode}");
        }
    }

    /// <summary>Throws whatever the event's traits.throw names.</summary>
    public override Task OnIdentify(IdentifyEvent @event, WebhookSettings settings, CancellationToken cancellationToken) =>
        (string?)@event.Traits["throw"] switch
        {
            "EventNotSupported" => throw new EventNotSupported("identify is not wanted here"),
            "InvalidEventPayload" => throw new InvalidEventPayload("email is required"),
            "ValidationError" => throw new ValidationError("plan is invalid"),
            "RetryError" => throw new RetryError("try later"),
            "InvalidSettings" => throw new InvalidSettings("endpoint rejected the key"),
            "Other" => throw new InvalidOperationException($"boom with {settings.ApiKey}"),
            "LogALot" => LogALot(),
            _ => Task.CompletedTask,
        };

    /// <summary>Waits for the timeout token (a hung downstream call).</summary>
    public override async Task OnPage(PageEvent @event, WebhookSettings settings, CancellationToken cancellationToken) =>
        await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);

    /// <summary>Ignores its token entirely.</summary>
    public override Task OnScreen(ScreenEvent @event, WebhookSettings settings, CancellationToken cancellationToken) =>
        new TaskCompletionSource().Task;

    /// <summary>The token the last OnGroup read.</summary>
    public string? LastToken;

    /// <summary>Reads a token through the cache.</summary>
    public override async Task OnGroup(GroupEvent @event, WebhookSettings settings, CancellationToken cancellationToken) =>
        LastToken = await Cache.LoadAsync("token", TimeSpan.FromMinutes(5), () =>
        {
            Interlocked.Increment(ref LoadCount);
            return Task.FromResult($"token-{LoadCount}");
        }, cancellationToken);

    /// <summary>Statuses by each event's properties.status.</summary>
    public override Task<BatchResult> OnBatch(IReadOnlyList<SegmentEvent> events, WebhookSettings settings, CancellationToken cancellationToken)
    {
        if (events.OfType<TrackEvent>().Any(e => e.Event == "throw-retry"))
        {
            throw new RetryError("whole batch later");
        }

        return Task.FromResult(BatchResult.FromStatuses(events.Select(e =>
            e is TrackEvent track && track.Properties["status"] is { } status
                ? new EventStatus((int)status, $"status {(int)status} for {settings.ApiKey}")
                : new EventStatus(200))));
    }

    private Task LogALot()
    {
        for (var i = 0; i < 500; i++)
        {
            Logger.LogInformation("line {Index} of a chatty handler", i);
        }

        return Task.CompletedTask;
    }
}

/// <summary>Overrides nothing: every type is unsupported, and it does not batch.</summary>
public sealed class EmptyFunction : DestinationFunction<WebhookSettings>
{
}

/// <summary>Untyped settings, as in the original runtime.</summary>
public sealed class UntypedFunction : DestinationFunction
{
    public override Task OnTrack(TrackEvent @event, FunctionSettings settings, CancellationToken cancellationToken)
    {
        Logger.LogInformation("key is {Key}", settings.GetRequiredString("apiKey"));
        return Task.CompletedTask;
    }
}
