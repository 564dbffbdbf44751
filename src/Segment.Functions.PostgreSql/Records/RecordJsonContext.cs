using System.Text.Json.Serialization;

namespace Segment.Functions.PostgreSql.Records;

/// <summary>The JSON of the records' HTTP traces (the <c>http_traces</c> jsonb column), source-generated (no reflection).</summary>
[JsonSerializable(typeof(IReadOnlyList<HttpTrace>))]
internal sealed partial class RecordJsonContext : JsonSerializerContext
{
}
