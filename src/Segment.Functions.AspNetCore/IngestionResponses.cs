using System.Text.Json.Serialization;

namespace Segment.Functions.AspNetCore;

/// <summary>The body of a 200 answer: <c>{"success":true}</c>, plus what was rejected when something was.</summary>
/// <param name="Success">Always true for a 200 (some SDKs read it).</param>
/// <param name="Accepted">Events handed to the destinations.</param>
/// <param name="Rejected">Events not taken, with <see cref="Errors"/> saying why.</param>
/// <param name="Errors">One entry per rejected event; null when none was.</param>
public sealed record IngestionResponse(
    [property: JsonPropertyName("success")] bool Success,
    [property: JsonPropertyName("accepted")] int Accepted,
    [property: JsonPropertyName("rejected")] int Rejected,
    [property: JsonPropertyName("errors"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<IngestionError>? Errors)
{
    /// <summary>Events dropped because their <c>messageId</c> was accepted recently from the same write key (they were delivered before); written only when some were.</summary>
    [JsonPropertyName("duplicates")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int Duplicates { get; init; }
}

/// <summary>Why one event of a request was not taken.</summary>
/// <param name="Index">Its index in the batch (0 for a single-event request).</param>
/// <param name="Message">What is wrong with it.</param>
public sealed record IngestionError([property: JsonPropertyName("index")] int Index, [property: JsonPropertyName("message")] string Message);

/// <summary>The body of a 400, 401, 403, 408, 429 or 503 answer, in the shape of Segment's API: <c>{"code","message"}</c>.</summary>
/// <param name="Code">A short machine-readable code, e.g. <c>invalid_json</c>.</param>
/// <param name="Message">What is wrong and what to do.</param>
public sealed record IngestionProblem([property: JsonPropertyName("code")] string Code, [property: JsonPropertyName("message")] string Message);
