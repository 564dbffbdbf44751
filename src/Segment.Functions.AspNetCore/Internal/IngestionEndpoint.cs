using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Segment.Functions.Hosting;
using Segment.Functions.Hosting.Internal;

namespace Segment.Functions.AspNetCore.Internal;

/// <summary>
/// Handles one Tracking API request: checks the write key (from the header before reading the
/// body), reads and checks the body, merges a batch envelope into its events, stamps the server's
/// times and a missing <c>messageId</c>, drops duplicates, and hands the events to the host's
/// <see cref="ISegmentFunctions.SendAllOrNoneAsync"/> (there is no second pipeline): all of them
/// are taken, or none and the client is told to send again.
/// </summary>
internal sealed class IngestionEndpoint
{
    // An event may nest 64 deep; a batch envelope adds two levels.
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 66 };

    // Relaxed escaping: characters outside ASCII stay as they came, so an event does not grow past its size limit on the way through.
    private static readonly JsonSerializerOptions WriteOptions = new() { MaxDepth = 66, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly ISegmentFunctions _functions;
    private readonly SegmentIngestionOptions _options;
    private readonly EventParseOptions _parsing;
    private readonly int _queueCapacity;
    private readonly WriteKeyCheck _keys;
    private readonly MessageIdWindow? _dedupe;
    private readonly TimeProvider _time;
    private readonly IngestionTelemetry _telemetry;
    private readonly ILogger _logger;
    private readonly SendAllOptions _sendToAll;
    private readonly string _retryAfter;
    private int _active;

    public IngestionEndpoint(
        ISegmentFunctions functions,
        IOptions<SegmentIngestionOptions> options,
        IOptions<SegmentFunctionsOptions> hostOptions,
        TimeProvider time,
        IMeterFactory meterFactory,
        ILoggerFactory loggerFactory)
    {
        _functions = functions;
        _options = options.Value;
        _parsing = hostOptions.Value.Parsing;
        _queueCapacity = hostOptions.Value.QueueCapacity;
        _keys = new WriteKeyCheck(_options.WriteKeys);
        _dedupe = _options.Dedupe.Enabled ? new MessageIdWindow(_options.Dedupe, time) : null;
        _time = time;
        _telemetry = new IngestionTelemetry(meterFactory);
        _logger = loggerFactory.CreateLogger("Segment.Functions.Ingestion");
        _sendToAll = new SendAllOptions { MaxWait = _options.MaxWaitForRoom };
        _retryAfter = Math.Max(1, (long)Math.Ceiling(_options.RetryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        Cors = new IngestionCors(_options.Cors);
    }

    public bool IsOpen => _keys.IsOpen;

    public IngestionCors Cors { get; }

    /// <param name="context">The request.</param>
    /// <param name="type">The message type the path names (<c>track</c>, …), or null for a batch.</param>
    public async Task<IResult> HandleAsync(HttpContext context, string? type)
    {
        if (!Cors.Apply(context))
        {
            return Problem(StatusCodes.Status403Forbidden, "origin_not_allowed", "This origin is not in SegmentIngestionOptions.Cors.AllowedOrigins.");
        }

        // Checked before the body is read: a request past the limit costs nothing but its answer.
        if (Interlocked.Increment(ref _active) > _options.MaxConcurrentRequests)
        {
            Interlocked.Decrement(ref _active);
            return Refuse(context, StatusCodes.Status429TooManyRequests, "busy",
                "The server is handling as many requests as it takes at once (SegmentIngestionOptions.MaxConcurrentRequests); send again after Retry-After.");
        }

        try
        {
            return await HandleAdmittedAsync(context, type).ConfigureAwait(false);
        }
        catch (BadHttpRequestException e)
        {
            // Broken framing, a body too slow or too long: the client's fault, not the server's.
            IngestionLog.BadRequest(_logger, e.StatusCode, e.Message);
            return Problem(e.StatusCode, "bad_request", $"The request could not be read: {e.Message}");
        }
        catch (Exception e) when (e is OperationCanceledException or IOException && context.RequestAborted.IsCancellationRequested)
        {
            IngestionLog.ClientGone(_logger);
            return Results.Empty;
        }
        catch (IOException e)
        {
            // Kestrel reports some framing faults (a chunk size that overflows) as a plain IOException while the body is read.
            IngestionLog.BadRequest(_logger, StatusCodes.Status400BadRequest, e.Message);
            return Problem(StatusCodes.Status400BadRequest, "bad_request", $"The request body could not be read: {e.Message}");
        }
        finally
        {
            Interlocked.Decrement(ref _active);
        }
    }

    private async Task<IResult> HandleAdmittedAsync(HttpContext context, string? type)
    {
        // A key in the header is checked before the body is read, so a wrong one costs no more than its answer.
        var headerKey = WriteKeyCheck.FromHeader(context.Request);
        var match = default(WriteKeyMatch);
        if (headerKey is not null && !_keys.Allows(headerKey, out match))
        {
            return Unauthorized();
        }

        var limit = type is null ? _options.MaxBatchBytes : _parsing.MaxEventBytes;
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
        string? bodyKey;
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
            bodyKey = WriteKeyCheck.FromBody(body);
        }
        catch (Exception e) when (e is JsonException or ArgumentException or InvalidOperationException)
        {
            return Problem(StatusCodes.Status400BadRequest, "invalid_json", $"The body is not valid JSON: {e.Message}");
        }

        if (headerKey is null && !_keys.Allows(bodyKey, out match))
        {
            return Unauthorized();
        }

        // The key has done its work: it must not travel on to destinations or into records.
        body.Remove("writeKey");
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

            if (batch.Count > _queueCapacity)
            {
                return Problem(StatusCodes.Status400BadRequest, "too_many_events",
                    $"The batch holds {batch.Count} events, more than a destination holds (SegmentFunctionsOptions.QueueCapacity {_queueCapacity}): it could never be taken whole. Send smaller batches, or raise QueueCapacity above SegmentIngestionOptions.MaxBatchEvents.");
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

        var envelope = type is null ? body : null;
        // Only a body larger than the limit can hold an event larger than it.
        return await SendAsync(context, Prepare(events, envelope, checkSizes: bytes.Length > _parsing.MaxEventBytes), match).ConfigureAwait(false);
    }

    // Each event as the host will get it, or why it cannot be one.
    private PreparedEvents Prepare(List<JsonNode?> events, JsonObject? envelope, bool checkSizes)
    {
        var receivedAt = _time.GetUtcNow();
        var prepared = new PreparedEvents();
        for (var i = 0; i < events.Count; i++)
        {
            if (events[i] is not JsonObject item)
            {
                prepared.Invalid.Add(new InvalidEvent(i, "An event must be a JSON object.", null));
                continue;
            }

            byte[] utf8;
            bool tooLarge;
            try
            {
                item.Remove("writeKey");
                // The client's limit applies to what the client sent, not to the stamps added here.
                tooLarge = checkSizes && JsonSerializer.SerializeToUtf8Bytes(item, WriteOptions).Length > _parsing.MaxEventBytes;
                Merge(item, envelope);
                EventTimestamps.Stamp(item, receivedAt);
                if (item["messageId"] is null)
                {
                    item["messageId"] = Guid.NewGuid().ToString();
                }

                utf8 = JsonSerializer.SerializeToUtf8Bytes(item, WriteOptions);
            }
            catch (Exception e) when (e is JsonException or ArgumentException or InvalidOperationException)
            {
                // Duplicate or unreadable names, unpaired surrogates: not an event the host could read.
                prepared.Invalid.Add(new InvalidEvent(i, $"Event is not valid JSON: {e.Message}", null));
                continue;
            }

            if (tooLarge)
            {
                prepared.Invalid.Add(new InvalidEvent(i, $"The event is over {_parsing.MaxEventBytes} bytes (SegmentFunctionsOptions.Parsing.MaxEventBytes).", utf8));
                continue;
            }

            try
            {
                var options = utf8.Length <= _parsing.MaxEventBytes ? _parsing : new EventParseOptions { MaxEventBytes = utf8.Length, MaxDepth = _parsing.MaxDepth };
                prepared.Valid.Add(SegmentEvent.Parse(utf8, options));
            }
            catch (InvalidEventPayload e)
            {
                prepared.Invalid.Add(new InvalidEvent(i, e.Message, utf8));
            }
        }

        return prepared;
    }

    private async Task<IResult> SendAsync(HttpContext context, PreparedEvents prepared, WriteKeyMatch match)
    {
        var sending = prepared.Valid;
        Claim? claim = null;
        if (_dedupe is not null && sending.Count > 0)
        {
            var verdicts = _dedupe.Claim(match.Index, sending.ConvertAll(e => e.MessageId!), out claim);
            if (Array.IndexOf(verdicts, MessageIdWindow.Verdict.InFlight) >= 0)
            {
                return Refuse(context, StatusCodes.Status429TooManyRequests, "in_flight",
                    "Some of these events are part of another request still being handled; send again after Retry-After.");
            }

            sending = sending.Where((_, i) => verdicts[i] == MessageIdWindow.Verdict.New).ToList();
        }

        var duplicates = prepared.Valid.Count - sending.Count;
        if (sending.Count > 0)
        {
            var options = match.Destinations is null ? _sendToAll : new SendAllOptions { MaxWait = _options.MaxWaitForRoom, Destinations = match.Destinations };
            SendBatchResult sent;
            try
            {
                sent = await _functions.SendAllOrNoneAsync(sending, options, context.RequestAborted).ConfigureAwait(false);
            }
            catch
            {
                Release(claim);
                throw;
            }

            if (sent.Results.FirstOrDefault(r => !r.IsAccepted) is { Status: not SendStatus.Accepted } refused)
            {
                Release(claim);
                switch (refused.Status)
                {
                    case SendStatus.Cancelled:
                        IngestionLog.ClientGone(_logger);
                        return Results.Empty;
                    case SendStatus.Stopped:
                        return Refuse(context, StatusCodes.Status503ServiceUnavailable, "stopping", "The server is stopping; send again later.");
                    case SendStatus.Unavailable:
                        return Refuse(context, StatusCodes.Status503ServiceUnavailable, "unavailable",
                            "The events could not be stored now; none was taken. Send them again after Retry-After.");
                    default:
                        return Refuse(context, StatusCodes.Status429TooManyRequests, "no_room",
                            $"The destinations have no room for these events now (waited {_options.MaxWaitForRoom.TotalSeconds:0.###} s, SegmentIngestionOptions.MaxWaitForRoom); none was taken. Send them again after Retry-After.");
                }
            }
        }

        if (claim is not null)
        {
            _dedupe!.Commit(claim);
        }

        _telemetry.Duplicates(duplicates);
        List<IngestionError>? errors = null;
        foreach (var invalid in prepared.Invalid)
        {
            if (invalid.Utf8 is { } utf8)
            {
                // The host records input that never became an event (DeliveryRecord.RejectedInput); recorded only now, with
                // the request answered 200, so a request refused and sent again does not record it twice.
                await _functions.SendAsync(utf8, CancellationToken.None).ConfigureAwait(false);
            }

            (errors ??= []).Add(new IngestionError(invalid.Index, invalid.Message));
        }

        return Results.Json(new IngestionResponse(true, sending.Count, errors?.Count ?? 0, errors) { Duplicates = duplicates });
    }

    private void Release(Claim? claim)
    {
        if (claim is not null)
        {
            _dedupe!.Release(claim);
        }
    }

    // The envelope's context, integrations and sentAt fill in what the event does not set itself.
    private static void Merge(JsonObject item, JsonObject? envelope)
    {
        if (envelope is null)
        {
            return;
        }

        Merge(item, envelope, "context");
        Merge(item, envelope, "integrations");
        if (item["sentAt"] is null && envelope["sentAt"] is { } sentAt)
        {
            item["sentAt"] = sentAt.DeepClone();
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

    // An answer that makes the SDK send the same request again, after Retry-After.
    private IResult Refuse(HttpContext context, int status, string reason, string message)
    {
        _telemetry.Refused(reason);
        IngestionLog.Refused(_logger, reason);
        context.Response.Headers.RetryAfter = _retryAfter;
        return Problem(status, reason, message);
    }

    private static IResult Unauthorized() =>
        Problem(StatusCodes.Status401Unauthorized, "unauthorized", "Missing or unknown write key: send Authorization: Basic base64(\"<writeKey>:\") or a \"writeKey\" in the body.");

    private static IResult Problem(int status, string code, string message) =>
        Results.Json(new IngestionProblem(code, message), statusCode: status);

    private sealed class PreparedEvents
    {
        public List<SegmentEvent> Valid { get; } = [];

        public List<InvalidEvent> Invalid { get; } = [];
    }

    /// <param name="Index">The event's index in the request.</param>
    /// <param name="Message">Why it is not an event.</param>
    /// <param name="Utf8">The event as written, to record under <see cref="Delivery.DeliveryRecord.RejectedInput"/>; null when it never was one.</param>
    private sealed record InvalidEvent(int Index, string Message, byte[]? Utf8);
}
