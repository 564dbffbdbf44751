using Npgsql;
using NpgsqlTypes;
using Segment.Functions.PostgreSql.Internal;
using Segment.Functions.PostgreSql.Schema;

namespace Segment.Functions.PostgreSql.Queue;

/// <summary>
/// Stores accepted events as delivery rows, with grouped commits: the rows of concurrent callers within
/// <see cref="PostgreSqlOptions.CommitLinger"/> (up to <see cref="PostgreSqlOptions.MaxCommitGroup"/> rows)
/// go in one transaction, written with one binary <c>COPY</c>, with one <c>pg_notify</c> per destination
/// so idle workers of every instance wake up. Thread-safe; one per application instance.
/// </summary>
internal sealed class DeliveryWriter : IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly SchemaNames _names;
    private readonly TimeProvider _timeProvider;
    private readonly GroupCommitter<NewDelivery[], bool> _committer;

    public DeliveryWriter(NpgsqlDataSource dataSource, PostgreSqlOptions options, TimeProvider timeProvider, PostgreSqlTelemetry telemetry)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(options);
        _dataSource = dataSource;
        _names = new SchemaNames(options.Schema);
        _timeProvider = timeProvider;
        _committer = new GroupCommitter<NewDelivery[], bool>(
            "enqueue", CommitAsync, rows => rows.Length, options.CommitLinger, options.MaxCommitGroup, timeProvider, telemetry);
    }

    /// <summary>
    /// Stores one event's rows (one per destination it was routed to) and completes once they are
    /// committed: only then is the event accepted. Throws <see cref="PostgreSqlCommitException"/> when
    /// the group's commit failed (none of its rows were stored), and <see cref="OperationCanceledException"/>
    /// when cancelled before its group started committing (not stored either).
    /// </summary>
    public async ValueTask EnqueueAsync(NewDelivery[] rowsForOneEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rowsForOneEvent);
        if (rowsForOneEvent.Length == 0)
        {
            return;
        }

        await _committer.SubmitAsync(rowsForOneEvent, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Commits what was submitted, then stops taking more.</summary>
    public ValueTask DisposeAsync() => _committer.DisposeAsync();

    private async Task<IReadOnlyList<bool>> CommitAsync(IReadOnlyList<NewDelivery[]> events, CancellationToken cancellationToken)
    {
        var now = _timeProvider.GetUtcNow();
        var destinations = new HashSet<string>(StringComparer.Ordinal);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

        // New rows are due at once; their order in the COPY is the order of acceptance, so ids follow it.
        await using (var copy = await connection.BeginBinaryImportAsync(
            $"COPY {_names.Deliveries} (destination, message_id, event_type, body, accepted_at, due_at) FROM STDIN (FORMAT BINARY)",
            cancellationToken).ConfigureAwait(false))
        {
            foreach (var rows in events)
            {
                foreach (var row in rows)
                {
                    await copy.StartRowAsync(cancellationToken).ConfigureAwait(false);
                    await copy.WriteAsync(row.Destination, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                    await copy.WriteAsync(row.MessageId, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                    await copy.WriteAsync(row.EventType, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                    await copy.WriteAsync(row.Body, NpgsqlDbType.Bytea, cancellationToken).ConfigureAwait(false);
                    await copy.WriteAsync(now, NpgsqlDbType.TimestampTz, cancellationToken).ConfigureAwait(false);
                    await copy.WriteAsync(now, NpgsqlDbType.TimestampTz, cancellationToken).ConfigureAwait(false);
                    destinations.Add(row.Destination);
                }
            }

            await copy.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }

        // Delivered with the commit (and only if it commits): listeners never wake for rows that are not there.
        await using (var notify = new NpgsqlCommand("SELECT pg_notify($1, destination) FROM unnest($2::text[]) AS destination", connection, transaction))
        {
            notify.Parameters.Add(new NpgsqlParameter { Value = _names.Channel });
            notify.Parameters.Add(new NpgsqlParameter { Value = destinations.ToArray() });
            await notify.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new bool[events.Count];
    }
}
