using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Segment.Functions.Hosting;
using Segment.Functions.Hosting.Internal;

namespace Segment.Functions.AspNetCore.Internal;

/// <summary>
/// Handles one Tracking API request: reads and checks the body, merges a batch envelope into its
/// events, stamps <c>receivedAt</c> and a missing <c>messageId</c>, and hands each event to the
/// host's <c>SendAsync</c> (there is no second pipeline).
/// </summary>
internal sealed class IngestionEndpoint
{
    // An event may nest 64 deep; a batch envelope adds two levels.
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 66 };
    private static readonly JsonSerializerOptions WriteOptions = new() { MaxDepth = 66 };
    private static readonly SendOptions AllDestinations = new();
    private readonly ISegmentFunctions _host;
    private readonly SegmentIngestionOptions _options;
    private readonly int _maxEventBytes;
    private readonly WriteKeyCheck _keys;
    private readonly TimeProvider _time;

    public IngestionEndpoint(ISegmentFunctions host, IOptions<SegmentIngestionOptions> options, IOptions<SegmentFunctionsOptions> hostOptions, TimeProvider time)
    {
        _host = host;
        _options = options.Value;
        _maxEventBytes = hostOptions.Value.Parsing.MaxEventBytes;
        _keys = new WriteKeyCheck(_options.WriteKeys);
        _time = time;
    }

    public bool IsOpen => _keys.IsOpen;

    /// <param name="context">The request.</param>
    /// <param name="type">The message type the path names (<c>track</c>, …), or null for a batch.</param>
    public async Task<IResult> HandleAsync(HttpContext context, string? type)
    {
        var limit = type is null ? _options.MaxBatchBytes : _maxEventBytes;
        byte[]? bytes;
        try
        {
            bytes = await RequestBody.ReadAsync(context.Request, limit, context.RequestAborted).ConfigureAwait(false);
        }
        catch (InvalidDataException e)
        {
            return Problem(StatusCodes.Status400BadRequest, "invalid_body", $"The gzip body could not be read: {e.Message}");
        }

        if (bytes is null)
        {
            return Problem(StatusCodes.Status400BadRequest, "too_large", type is null
                ? $"The batch is over {limit} bytes (SegmentIngestionOptions.MaxBatchBytes); send smaller batches."
                : $"The event is over {limit} bytes (SegmentFunctionsOptions.Parsing.MaxEventBytes).");
        }

        JsonObject body;
        try
        {
            body = JsonNode.Parse(bytes, documentOptions: DocumentOptions) switch
            {
                JsonObject value => value,
                // A bare array of events (as Segment's Webhooks (Actions) destination batches them).
                JsonArray items when type is null => new JsonObject { ["batch"] = items },
                _ => throw new JsonException(type is null ? "the body is neither a JSON object nor an array of events" : "the body is not a JSON object"),
            };
            // JsonObject builds its name index lazily: duplicate or unreadable names surface here, not later.
            _ = body.Count;
            _ = body["type"];
        }
        catch (Exception e) when (e is JsonException or ArgumentException or InvalidOperationException)
        {
            return Problem(StatusCodes.Status400BadRequest, "invalid_json", $"The body is not valid JSON: {e.Message}");
        }

        bool allowed;
        IReadOnlySet<string>? destinations;
        try
        {
            allowed = _keys.Allows(context.Request, body, out destinations);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return Problem(StatusCodes.Status400BadRequest, "invalid_json", $"The writeKey cannot be read: {e.Message}");
        }

        if (!allowed)
        {
            return Problem(StatusCodes.Status401Unauthorized, "unauthorized", "Missing or unknown write key: send Authorization: Basic base64(\"<writeKey>:\") or a \"writeKey\" in the body.");
        }

        List<JsonNode?> events;
        if (type is null)
        {
            if (body["batch"] is not JsonArray batch)
            {
                return Problem(StatusCodes.Status400BadRequest, "invalid_request", "A batch request needs a \"batch\" array of events.");
            }

            if (batch.Count > _options.MaxBatchEvents)
            {
                return Problem(StatusCodes.Status400BadRequest, "too_many_events", $"The batch holds {batch.Count} events; at most {_options.MaxBatchEvents} are accepted (SegmentIngestionOptions.MaxBatchEvents).");
            }

            events = [.. batch];
            batch.Clear(); // detach the items so each can be changed and written on its own
        }
        else
        {
            // The path gives the type; an event that names its own keeps it, so a Segment Webhook
            // destination can post every type to one URL.
            if (body["type"] is null)
            {
                body["type"] = type;
            }

            events = [body];
        }

        return await SendAsync(events, type is null ? body : null, destinations, context.RequestAborted).ConfigureAwait(false);
    }

    private async Task<IResult> SendAsync(List<JsonNode?> events, JsonObject? envelope, IReadOnlySet<string>? destinations, CancellationToken cancellationToken)
    {
        var sendOptions = destinations is null ? AllDestinations : new SendOptions { Destinations = destinations };
        var receivedAt = _time.GetUtcNow().ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        var accepted = 0;
        List<IngestionError>? errors = null;
        for (var i = 0; i < events.Count; i++)
        {
            if (events[i] is not JsonObject item)
            {
                (errors ??= []).Add(new IngestionError(i, "An event must be a JSON object."));
                continue;
            }

            byte[] utf8;
            try
            {
                Stamp(item, envelope, receivedAt);
                utf8 = JsonSerializer.SerializeToUtf8Bytes(item, WriteOptions);
            }
            catch (Exception e) when (e is JsonException or ArgumentException or InvalidOperationException)
            {
                // Duplicate or unreadable names, unpaired surrogates: not an event the host could read.
                (errors ??= []).Add(new IngestionError(i, $"Event is not valid JSON: {e.Message}"));
                continue;
            }

            var result = await _host.SendAsync(utf8, sendOptions, cancellationToken).ConfigureAwait(false);
            if (result.Status == SendStatus.Stopped)
            {
                return Problem(StatusCodes.Status503ServiceUnavailable, "unavailable", "The server is stopping; send again later.");
            }

            if (result.Status == SendStatus.Accepted)
            {
                accepted++;
            }
            else
            {
                (errors ??= []).Add(new IngestionError(i, result.Error ?? result.Status.ToString()));
            }
        }

        return Results.Json(new IngestionResponse(true, accepted, errors?.Count ?? 0, errors));
    }

    // The envelope's context and integrations fill in what the event does not set itself.
    private static void Stamp(JsonObject item, JsonObject? envelope, string receivedAt)
    {
        if (envelope is not null)
        {
            Merge(item, envelope, "context");
            Merge(item, envelope, "integrations");
            if (item["sentAt"] is null && envelope["sentAt"] is { } sentAt)
            {
                item["sentAt"] = sentAt.DeepClone();
            }
        }

        item["receivedAt"] = receivedAt;
        if (item["messageId"] is null)
        {
            item["messageId"] = Guid.NewGuid().ToString();
        }
    }

    private static void Merge(JsonObject item, JsonObject envelope, string name)
    {
        if (envelope[name] is not JsonObject shared)
        {
            return;
        }

        if (item[name] is not JsonObject own)
        {
            item[name] = shared.DeepClone();
            return;
        }

        foreach (var (key, value) in shared)
        {
            if (!own.ContainsKey(key))
            {
                own[key] = value?.DeepClone();
            }
        }
    }

    private static IResult Problem(int status, string code, string message) =>
        Results.Json(new IngestionProblem(code, message), statusCode: status);
}
