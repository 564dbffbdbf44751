using System.Text;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using Segment.Functions.Delivery;
using Segment.Functions.Hosting;
using Segment.Functions.PostgreSql.Schema;

namespace Segment.Functions.PostgreSql.Records;

/// <summary>
/// Reads delivery records, counts and what is pending, across every instance that shares the schema
/// (what the dashboard and <c>IDeliveryStore</c> show). Stateless and thread-safe.
/// </summary>
internal sealed class RecordQueries
{
    private const string RecordColumns =
        "delivery_id, destination, message_id, event_type, state, reason, attempts, first_attempt_at, last_attempt_at, " +
        "next_attempt_at, error_type, error_message, logs, http_traces::text, omitted_http_traces, event_json";

    private readonly NpgsqlDataSource _dataSource;
    private readonly SchemaNames _names;

    public RecordQueries(NpgsqlDataSource dataSource, PostgreSqlOptions options)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(options);
        _dataSource = dataSource;
        _names = new SchemaNames(options.Schema);
    }

    /// <summary>The destination's records that match the filter, newest delivery first (a delivery's records newest first), at most <paramref name="limit"/>.</summary>
    public async Task<IReadOnlyList<DeliveryRecord>> RecentAsync(string destination, RecordFilter filter, int limit, CancellationToken cancellationToken, int skip = 0)
    {
        ArgumentException.ThrowIfNullOrEmpty(destination);
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);

        await using var command = _dataSource.CreateCommand();
        var sql = new StringBuilder($"SELECT {RecordColumns} FROM {_names.Records} WHERE destination = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = destination });
        if (filter.States is { } states)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = states.Select(state => state.ToString()).ToArray() });
            sql.Append($" AND state = ANY(${command.Parameters.Count})");
        }

        if (filter.Reason is { } reason)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = reason.ToString() });
            sql.Append($" AND reason = ${command.Parameters.Count}");
        }

        if (filter.MessageId is { } messageId)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = messageId });
            sql.Append($" AND message_id = ${command.Parameters.Count}");
        }

        if (filter.Since is { } since)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = since, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            sql.Append($" AND last_attempt_at >= ${command.Parameters.Count}");
        }

        if (filter.BeforeSequence is { } before)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = before });
            sql.Append($" AND delivery_id < ${command.Parameters.Count}");
        }

        command.Parameters.Add(new NpgsqlParameter { Value = limit });
        sql.Append($" ORDER BY delivery_id DESC, id DESC LIMIT ${command.Parameters.Count}");
        if (skip > 0)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = skip });
            sql.Append($" OFFSET ${command.Parameters.Count}");
        }

        command.CommandText = sql.ToString();

        var records = new List<DeliveryRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            records.Add(Read(reader));
        }

        return records;
    }

    /// <summary>
    /// The destination's outcomes: final records by state (and reason, for discards) whose last attempt
    /// was at or after <paramref name="since"/> (null: every record kept), and the events waiting for another
    /// attempt now (rows whose first attempt asked for a retry and that are not finished).
    /// </summary>
    public async Task<DeliveryCounts> CountsAsync(string destination, DateTimeOffset? since, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(destination);
        await using var command = _dataSource.CreateCommand(
            $"""
            SELECT state, reason, count(*) FROM {_names.Records}
            WHERE destination = $1 AND state <> 'Retrying' AND ($2::timestamptz IS NULL OR last_attempt_at >= $2)
            GROUP BY state, reason
            UNION ALL
            SELECT 'Retrying', 'Retry', count(*) FROM {_names.Deliveries}
            WHERE destination = $1 AND (attempts >= 2 OR (attempts = 1 AND lease_owner IS NULL))
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = destination });
        command.Parameters.Add(new NpgsqlParameter { Value = since.HasValue ? since.Value : DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });

        long delivered = 0, retrying = 0, expired = 0;
        var discarded = new Dictionary<OutcomeReason, long>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var count = reader.GetInt64(2);
            switch (Enum.Parse<DeliveryState>(reader.GetString(0)))
            {
                case DeliveryState.Delivered:
                    delivered += count;
                    break;
                case DeliveryState.Expired:
                    expired += count;
                    break;
                case DeliveryState.Retrying:
                    retrying += count;
                    break;
                default:
                    var reason = Enum.Parse<OutcomeReason>(reader.GetString(1));
                    discarded[reason] = discarded.GetValueOrDefault(reason) + count;
                    break;
            }
        }

        return new DeliveryCounts(delivered, discarded, retrying, expired);
    }

    /// <summary>
    /// What every destination holds at <paramref name="now"/>, across instances: queued (due and not
    /// leased, including rows whose lease ran out), in flight (under a live lease) and waiting for a retry.
    /// Destinations with nothing pending are left out.
    /// </summary>
    public async Task<IReadOnlyList<DestinationStatus>> PendingAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(
            $"""
            SELECT destination,
                   count(*) FILTER (WHERE due_at <= $1),
                   count(*) FILTER (WHERE due_at > $1 AND lease_owner IS NOT NULL),
                   count(*) FILTER (WHERE due_at > $1 AND lease_owner IS NULL)
            FROM {_names.Deliveries}
            GROUP BY destination
            ORDER BY destination
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = now, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        var statuses = new List<DestinationStatus>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            statuses.Add(new DestinationStatus(reader.GetString(0), checked((int)reader.GetInt64(1)), checked((int)reader.GetInt64(2)), checked((int)reader.GetInt64(3))));
        }

        return statuses;
    }

    private static DeliveryRecord Read(NpgsqlDataReader reader) => new()
    {
        Sequence = reader.GetInt64(0),
        Destination = reader.GetString(1),
        MessageId = reader.GetString(2),
        EventType = reader.GetString(3),
        State = Enum.Parse<DeliveryState>(reader.GetString(4)),
        Reason = Enum.Parse<OutcomeReason>(reader.GetString(5)),
        Attempts = reader.GetInt32(6),
        FirstAttemptAt = reader.GetFieldValue<DateTimeOffset>(7),
        LastAttemptAt = reader.GetFieldValue<DateTimeOffset>(8),
        NextAttemptAt = reader.IsDBNull(9) ? null : reader.GetFieldValue<DateTimeOffset>(9),
        Error = reader.IsDBNull(10) ? null : new ErrorInfo(reader.GetString(10), reader.IsDBNull(11) ? "" : reader.GetString(11)),
        Logs = reader.GetString(12),
        HttpTraces = JsonSerializer.Deserialize(reader.GetString(13), RecordJsonContext.Default.IReadOnlyListHttpTrace) ?? [],
        OmittedHttpTraces = reader.GetInt32(14),
        EventJson = reader.GetString(15),
    };
}
