using System.Net.Http.Json;

namespace Segment.Functions.PostgreSql.CrashHost;

/// <summary>
/// The fake downstream's protocol, shared by both functions: a POST of a JSON array of messageIds to
/// <c>{Endpoint}/{path}</c>, answered with a JSON array of one status per messageId (the whole request
/// answering 5xx is a failure of all of them).
/// </summary>
internal static class Downstream
{
    public const string SinglePath = "single";
    public const string BatchedPath = "batched";

    /// <summary>Posts the messageIds and returns one status per messageId; a connection error or a 408/429/5xx answer throws <see cref="RetryError"/>.</summary>
    public static async Task<int[]> PostAsync(HttpClient http, DownstreamSettings settings, string path, IReadOnlyList<string> messageIds, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{settings.Endpoint}/{path}") { Content = JsonContent.Create(messageIds) };
        request.Headers.Add("X-Instance", settings.Instance);
        using var response = await RetryError.ThrowIfRetryableAsync(http.SendAsync(request, cancellationToken));
        if (!response.IsSuccessStatusCode)
        {
            throw new ValidationError($"HTTP Status {(int)response.StatusCode}");
        }

        var statuses = await response.Content.ReadFromJsonAsync<int[]>(cancellationToken);
        return statuses is { Length: var length } && length == messageIds.Count
            ? statuses
            : throw new RetryError($"The downstream answered {statuses?.Length ?? 0} statuses for {messageIds.Count} events.");
    }

    /// <summary>The messageId of an event; the ingestion endpoint gives every event one.</summary>
    public static string MessageIdOf(SegmentEvent @event) =>
        @event.MessageId ?? throw new InvalidEventPayload("The event has no messageId.");
}
