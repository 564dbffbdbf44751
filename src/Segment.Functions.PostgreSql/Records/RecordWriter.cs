using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using Segment.Functions.PostgreSql.Queue;
using Segment.Functions.PostgreSql.Schema;

namespace Segment.Functions.PostgreSql.Records;

/// <summary>Inserts delivery records with one binary <c>COPY</c>, inside the caller's transaction.</summary>
internal static class RecordWriter
{
    public static async Task CopyAsync(NpgsqlConnection connection, SchemaNames names, IReadOnlyList<Completion> completions, CancellationToken cancellationToken)
    {
        if (completions.Count == 0)
        {
            return;
        }

        await using var copy = await connection.BeginBinaryImportAsync(
            $"""
            COPY {names.Records} (delivery_id, destination, message_id, event_type, state, reason, attempts, first_attempt_at,
                last_attempt_at, next_attempt_at, error_type, error_message, logs, http_traces, omitted_http_traces, event_json, accepted_at)
            FROM STDIN (FORMAT BINARY)
            """,
            cancellationToken).ConfigureAwait(false);
        foreach (var (lease, record) in completions)
        {
            await copy.StartRowAsync(cancellationToken).ConfigureAwait(false);
            await copy.WriteAsync(lease.Id, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
            await copy.WriteAsync(record.Destination, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
            await copy.WriteAsync(record.MessageId, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
            await copy.WriteAsync(record.EventType, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
            await copy.WriteAsync(record.State.ToString(), NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
            await copy.WriteAsync(record.Reason.ToString(), NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
            await copy.WriteAsync(record.Attempts, NpgsqlDbType.Integer, cancellationToken).ConfigureAwait(false);
            await copy.WriteAsync(record.FirstAttemptAt, NpgsqlDbType.TimestampTz, cancellationToken).ConfigureAwait(false);
            await copy.WriteAsync(record.LastAttemptAt, NpgsqlDbType.TimestampTz, cancellationToken).ConfigureAwait(false);
            await WriteNullableAsync(copy, record.NextAttemptAt, NpgsqlDbType.TimestampTz, cancellationToken).ConfigureAwait(false);
            await WriteNullableAsync(copy, record.Error?.Type, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
            await WriteNullableAsync(copy, record.Error?.Message, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
            await copy.WriteAsync(record.Logs, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
            // Most records (every delivered event's) have no traces: no serializer call for those.
            var traces = record.HttpTraces.Count == 0 ? "[]" : JsonSerializer.Serialize(record.HttpTraces, RecordJsonContext.Default.IReadOnlyListHttpTrace);
            await copy.WriteAsync(traces, NpgsqlDbType.Jsonb, cancellationToken).ConfigureAwait(false);
            await copy.WriteAsync(record.OmittedHttpTraces, NpgsqlDbType.Integer, cancellationToken).ConfigureAwait(false);
            await copy.WriteAsync(record.EventJson, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
            await copy.WriteAsync(record.AcceptedAt, NpgsqlDbType.TimestampTz, cancellationToken).ConfigureAwait(false);
        }

        await copy.CompleteAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task WriteNullableAsync<T>(NpgsqlBinaryImporter copy, T? value, NpgsqlDbType type, CancellationToken cancellationToken)
    {
        if (value is null)
        {
            await copy.WriteNullAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await copy.WriteAsync(value, type, cancellationToken).ConfigureAwait(false);
        }
    }
}
