using Microsoft.Extensions.Options;
using Npgsql;
using Segment.Functions.Delivery;
using Segment.Functions.PostgreSql.Internal;
using Segment.Functions.PostgreSql.Queue;
using Segment.Functions.PostgreSql.Schema;
using Segment.Functions.Pipeline.Internal;

namespace Segment.Functions.PostgreSql.Records;

/// <summary>
/// The <see cref="IDeliveryStore"/> on PostgreSQL: queries read the records of every instance that
/// shares the schema. The records of claimed events are written with their claims' completions (see
/// <see cref="DeliveryCompleter"/>); what reaches <see cref="RecordAsync"/> are the records of events
/// that never became a delivery (input rejected at intake, a filter that threw), each given an id from
/// the deliveries' own sequence so it sorts with them.
/// </summary>
internal sealed class PostgreSqlDeliveryStore : IDeliveryStore
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly SchemaNames _names;
    private readonly RecordQueries _queries;

    public PostgreSqlDeliveryStore(PostgreSqlDataSourceHolder dataSource, IOptions<PostgreSqlOptions> options)
    {
        _dataSource = dataSource.DataSource;
        _names = new SchemaNames(options.Value.Schema);
        _queries = new RecordQueries(_dataSource, options.Value);
    }

    public async ValueTask RecordAsync(IReadOnlyList<DeliveryRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (records.Count == 0)
        {
            return;
        }

        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var ids = new List<long>(records.Count);
        await using (var command = new NpgsqlCommand(
            $"SELECT nextval(pg_get_serial_sequence('{_names.Deliveries}', 'id')) FROM generate_series(1, $1)", connection, transaction))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = records.Count });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                ids.Add(reader.GetInt64(0));
            }
        }

        var rows = records.Select((record, i) => new Completion(new JournalLease(ids[i], record.Attempts), record)).ToList();
        await RecordWriter.CopyAsync(connection, _names, rows, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<IReadOnlyList<DeliveryRecord>> QueryAsync(DeliveryQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.Limit <= 0)
        {
            return [];
        }

        var filter = new RecordFilter { States = query.States?.ToArray(), Reason = query.Reason, MessageId = query.MessageId, Since = query.Since };
        return await _queries.RecentAsync(query.Destination, filter, query.Limit, cancellationToken, query.Skip).ConfigureAwait(false);
    }
}
