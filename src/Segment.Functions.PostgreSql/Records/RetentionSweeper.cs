using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using NpgsqlTypes;
using Segment.Functions.PostgreSql.Internal;
using Segment.Functions.PostgreSql.Schema;

namespace Segment.Functions.PostgreSql.Records;

/// <summary>
/// Deletes delivery records whose last attempt is older than <see cref="PostgreSqlOptions.Retention"/>:
/// final records, and the Retrying records of deliveries that are finished (a delivery still pending keeps
/// its history). At most <see cref="PostgreSqlOptions.RetentionBatchSize"/> rows per statement, oldest first,
/// until none is left, so each statement holds its locks briefly. Several instances may sweep at once:
/// they just share the work. Delivery rows (events still to deliver) are never touched.
/// </summary>
internal sealed class RetentionSweeper
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly TimeSpan _retention;
    private readonly int _batchSize;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly string _deleteSql;

    public RetentionSweeper(NpgsqlDataSource dataSource, PostgreSqlOptions options, TimeProvider timeProvider, ILogger<RetentionSweeper>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(options);
        _dataSource = dataSource;
        _retention = options.Retention;
        _batchSize = options.RetentionBatchSize;
        _timeProvider = timeProvider;
        _logger = logger ?? NullLogger<RetentionSweeper>.Instance;
        var names = new SchemaNames(options.Schema);
        _deleteSql = $"""
            DELETE FROM {names.Records} WHERE id IN (
                SELECT r.id FROM {names.Records} AS r
                WHERE r.last_attempt_at < $1
                  AND (r.state <> 'Retrying' OR NOT EXISTS (SELECT 1 FROM {names.Deliveries} AS d WHERE d.id = r.delivery_id))
                ORDER BY r.last_attempt_at
                LIMIT $2
                FOR UPDATE SKIP LOCKED)
            """;
    }

    /// <summary>Deletes what is past retention now; returns how many records were deleted and how many statements it took.</summary>
    public async Task<(long Deleted, int Statements)> SweepAsync(CancellationToken cancellationToken)
    {
        var cutoff = _timeProvider.GetUtcNow() - _retention;
        long deleted = 0;
        var statements = 0;
        while (true)
        {
            await using var command = _dataSource.CreateCommand(_deleteSql);
            command.Parameters.Add(new NpgsqlParameter { Value = cutoff, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            command.Parameters.Add(new NpgsqlParameter { Value = _batchSize });
            var count = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            statements++;
            deleted += count;
            if (count < _batchSize)
            {
                break;
            }
        }

        if (deleted > 0)
        {
            Log.RetentionDeleted(_logger, deleted, cutoff);
        }

        return (deleted, statements);
    }

    /// <summary>Sweeps now and then once an hour (on the <see cref="TimeProvider"/>) until cancelled; a failed sweep is logged and tried again at the next.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await SweepAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
            {
                Log.RetentionFailed(_logger, exception);
            }

            try
            {
                await Task.Delay(PostgreSqlConstants.RetentionSweepInterval, _timeProvider, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
