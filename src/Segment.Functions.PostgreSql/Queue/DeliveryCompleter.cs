using Npgsql;
using NpgsqlTypes;
using Segment.Functions.Delivery;
using Segment.Functions.PostgreSql.Internal;
using Segment.Functions.PostgreSql.Records;
using Segment.Functions.PostgreSql.Schema;

namespace Segment.Functions.PostgreSql.Queue;

/// <summary>
/// Writes the outcomes of claimed attempts, grouped like <see cref="DeliveryWriter"/>: the completions of
/// concurrent workers share one transaction that removes (terminal) or reschedules (retry) the rows this
/// instance still holds and inserts their records with one binary <c>COPY</c>. A completion whose lease
/// was lost writes nothing and is answered <see cref="CompletionResult.LeaseLost"/>, so a row has exactly
/// one terminal record however claims raced. Thread-safe; one per application instance.
/// </summary>
internal sealed class DeliveryCompleter : IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly SchemaNames _names;
    private readonly string _instanceId;
    private readonly GroupCommitter<Completion[], CompletionResult[]> _committer;
    private readonly string _finishSql;
    private readonly string _rescheduleSql;

    public DeliveryCompleter(NpgsqlDataSource dataSource, PostgreSqlOptions options, TimeProvider timeProvider, PostgreSqlTelemetry telemetry)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(options);
        _dataSource = dataSource;
        _names = new SchemaNames(options.Schema);
        _instanceId = options.InstanceId;
        _committer = new GroupCommitter<Completion[], CompletionResult[]>(
            "complete", CommitAsync, items => items.Length, options.CommitLinger, options.MaxCommitGroup, timeProvider, telemetry);

        // Only rows still under this very claim (id, attempt, owner): a lost lease matches nothing.
        _finishSql = $"""
            DELETE FROM {_names.Deliveries} AS d
            USING unnest($1::bigint[], $2::integer[]) AS done(id, attempts)
            WHERE d.id = done.id AND d.attempts = done.attempts AND d.lease_owner = $3
            RETURNING d.id
            """;
        _rescheduleSql = $"""
            UPDATE {_names.Deliveries} AS d SET due_at = later.due_at, lease_owner = NULL
            FROM unnest($1::bigint[], $2::integer[], $3::timestamptz[]) AS later(id, attempts, due_at)
            WHERE d.id = later.id AND d.attempts = later.attempts AND d.lease_owner = $4
            RETURNING d.id
            """;
    }

    /// <summary>
    /// Writes the outcomes (typically one attempt's, or one batch's) and completes once committed, with one
    /// result per completion, in order. Throws <see cref="PostgreSqlCommitException"/> when the group's
    /// commit failed: nothing was written, the leases are still held (or will expire), so the attempt's
    /// events will be claimed again (at-least-once).
    /// </summary>
    public async ValueTask<IReadOnlyList<CompletionResult>> CompleteAsync(Completion[] items, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(items);
        foreach (var item in items)
        {
            item.Validate();
        }

        return items.Length == 0 ? [] : await _committer.SubmitAsync(items, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes what was submitted, then stops taking more.</summary>
    public ValueTask DisposeAsync() => _committer.DisposeAsync();

    // A group rolled back by a deadlock or a serialization failure wrote nothing: it is tried again (a
    // failed group's events would otherwise all be attempted again once their leases run out).
    private async Task<IReadOnlyList<CompletionResult[]>> CommitAsync(IReadOnlyList<Completion[]> groups, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await CommitOnceAsync(groups, cancellationToken).ConfigureAwait(false);
            }
            catch (PostgresException exception) when (attempt < 3 && exception.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure)
            {
            }
        }
    }

    private async Task<IReadOnlyList<CompletionResult[]>> CommitOnceAsync(IReadOnlyList<Completion[]> groups, CancellationToken cancellationToken)
    {
        // A row completed twice in one group (a caller's mistake) must not write two records: the first wins.
        var seen = new HashSet<long>();
        var finishing = new List<Completion>();
        var rescheduling = new List<Completion>();
        foreach (var completion in groups.SelectMany(group => group))
        {
            if (seen.Add(completion.Lease.Id))
            {
                (completion.Record.IsTerminal ? finishing : rescheduling).Add(completion);
            }
        }

        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var won = new HashSet<long>();
        await using (var batch = new NpgsqlBatch(connection, transaction))
        {
            var finish = new NpgsqlBatchCommand(_finishSql);
            finish.Parameters.Add(new NpgsqlParameter { Value = finishing.Select(c => c.Lease.Id).ToArray() });
            finish.Parameters.Add(new NpgsqlParameter { Value = finishing.Select(c => c.Lease.Attempt).ToArray() });
            finish.Parameters.Add(new NpgsqlParameter { Value = _instanceId });
            batch.BatchCommands.Add(finish);
            var reschedule = new NpgsqlBatchCommand(_rescheduleSql);
            reschedule.Parameters.Add(new NpgsqlParameter { Value = rescheduling.Select(c => c.Lease.Id).ToArray() });
            reschedule.Parameters.Add(new NpgsqlParameter { Value = rescheduling.Select(c => c.Lease.Attempt).ToArray() });
            reschedule.Parameters.Add(new NpgsqlParameter { Value = rescheduling.Select(c => c.Record.NextAttemptAt!.Value).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
            reschedule.Parameters.Add(new NpgsqlParameter { Value = _instanceId });
            batch.BatchCommands.Add(reschedule);

            await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            do
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    won.Add(reader.GetInt64(0));
                }
            }
            while (await reader.NextResultAsync(cancellationToken).ConfigureAwait(false));
        }

        var records = finishing.Concat(rescheduling).Where(c => won.Contains(c.Lease.Id)).ToList();
        await RecordWriter.CopyAsync(connection, _names, records, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);

        var written = new HashSet<Completion>(records, ReferenceEqualityComparer.Instance);
        return groups
            .Select(group => group.Select(c => written.Contains(c) ? CompletionResult.Completed : CompletionResult.LeaseLost).ToArray())
            .ToArray();
    }
}
