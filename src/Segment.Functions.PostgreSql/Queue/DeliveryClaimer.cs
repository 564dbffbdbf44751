using Npgsql;
using NpgsqlTypes;
using Segment.Functions.PostgreSql.Schema;
using Segment.Functions.Pipeline.Internal;

namespace Segment.Functions.PostgreSql.Queue;

/// <summary>
/// Claims due deliveries of one destination for this instance, renews the leases it holds, and says when
/// the next delivery falls due. Every time is passed in (read by the caller from its
/// <see cref="TimeProvider"/>), never the database's <c>now()</c>: due times are written and compared on
/// one clock, tests can move it (a retry due in 3 hours), and instances need clocks in step only to within
/// a small part of the lease duration. Thread-safe, stateless: several instances claim from one table.
/// </summary>
internal sealed class DeliveryClaimer
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly SchemaNames _names;
    private readonly string _instanceId;
    private readonly TimeSpan _leaseDuration;
    private readonly string _claimSql;
    private readonly string _renewSql;
    private readonly string _nextDueSql;
    private readonly string _releaseSql;

    public DeliveryClaimer(NpgsqlDataSource dataSource, PostgreSqlOptions options)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(options);
        _dataSource = dataSource;
        _names = new SchemaNames(options.Schema);
        _instanceId = options.InstanceId;
        _leaseDuration = options.LeaseDuration;

        // While leased, due_at is the lease's expiry: a row whose lease ran out is due again, so the one
        // condition "due_at <= now" finds new rows, retries that fell due and the rows of a dead instance.
        // SKIP LOCKED lets concurrent claimers (workers, instances) take disjoint rows without waiting.
        _claimSql = $"""
            WITH claimed AS (
                UPDATE {_names.Deliveries} AS d
                SET lease_owner = $1, due_at = $2, attempts = d.attempts + 1, first_attempt_at = coalesce(d.first_attempt_at, $3)
                FROM (
                    SELECT id FROM {_names.Deliveries}
                    WHERE destination = $4 AND due_at <= $3
                    ORDER BY due_at, id
                    LIMIT $5
                    FOR UPDATE SKIP LOCKED
                ) AS due
                WHERE d.id = due.id
                RETURNING d.id, d.attempts, d.message_id, d.event_type, d.body, d.accepted_at, d.first_attempt_at
            )
            SELECT * FROM claimed ORDER BY id
            """;
        // Rows locked by something else are skipped, never waited for: the only other locker of a row this
        // instance leases is its own completion (which needs no renewal), and waiting would let a renewal
        // and a completion lock rows in opposite orders and deadlock.
        _renewSql = $"""
            UPDATE {_names.Deliveries} AS d SET due_at = $1
            FROM (
                SELECT mine.id FROM {_names.Deliveries} AS mine
                JOIN unnest($2::bigint[], $3::integer[]) AS held(id, attempts) ON mine.id = held.id AND mine.attempts = held.attempts
                WHERE mine.lease_owner = $4
                ORDER BY mine.id
                FOR UPDATE OF mine SKIP LOCKED
            ) AS renewable
            WHERE d.id = renewable.id
            RETURNING d.id
            """;
        _nextDueSql = $"SELECT min(due_at) FROM {_names.Deliveries} WHERE destination = $1";
        // A claim given back unstarted did not attempt anything: its attempt (and a first attempt's time) is undone.
        _releaseSql = $"""
            UPDATE {_names.Deliveries} AS d
            SET due_at = $1, lease_owner = NULL, attempts = d.attempts - 1,
                first_attempt_at = CASE WHEN d.attempts = 1 THEN NULL ELSE d.first_attempt_at END
            FROM unnest($2::bigint[], $3::integer[]) AS held(id, attempts)
            WHERE d.id = held.id AND d.attempts = held.attempts AND d.lease_owner = $4
            """;
    }

    /// <summary>
    /// Claims up to <paramref name="max"/> deliveries of <paramref name="destination"/> that are due at
    /// <paramref name="now"/> (oldest due first), under leases until <paramref name="now"/> plus the lease
    /// duration, in one statement; each claim counts an attempt. Returns them by id; empty when none is due.
    /// </summary>
    public async Task<IReadOnlyList<ClaimedDelivery>> ClaimAsync(string destination, int max, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(destination);
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        var leaseExpiresAt = now + _leaseDuration;
        await using var command = _dataSource.CreateCommand(_claimSql);
        command.Parameters.Add(new NpgsqlParameter { Value = _instanceId });
        command.Parameters.Add(new NpgsqlParameter { Value = leaseExpiresAt, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter { Value = now, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter { Value = destination });
        command.Parameters.Add(new NpgsqlParameter { Value = max });

        var claimed = new List<ClaimedDelivery>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            claimed.Add(new ClaimedDelivery
            {
                Lease = new JournalLease(reader.GetInt64(0), reader.GetInt32(1)),
                Destination = destination,
                MessageId = reader.GetString(2),
                EventType = reader.GetString(3),
                Body = reader.GetFieldValue<byte[]>(4),
                AcceptedAt = reader.GetFieldValue<DateTimeOffset>(5),
                FirstAttemptAt = reader.GetFieldValue<DateTimeOffset>(6),
                LeaseExpiresAt = leaseExpiresAt,
            });
        }

        return claimed;
    }

    /// <summary>
    /// Extends the leases this instance still holds to <paramref name="now"/> plus the lease duration.
    /// Returns the ids renewed; a lease missing from the answer was lost (it expired and another claim took
    /// the row, or it was completed), or its row was locked at that moment by this instance's completion.
    /// </summary>
    public async Task<IReadOnlySet<long>> RenewAsync(IReadOnlyCollection<JournalLease> leases, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(leases);
        if (leases.Count == 0)
        {
            return new HashSet<long>();
        }

        await using var command = _dataSource.CreateCommand(_renewSql);
        command.Parameters.Add(new NpgsqlParameter { Value = now + _leaseDuration, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter { Value = leases.Select(lease => lease.Id).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = leases.Select(lease => lease.Attempt).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = _instanceId });

        var renewed = new HashSet<long>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            renewed.Add(reader.GetInt64(0));
        }

        return renewed;
    }

    /// <summary>
    /// Gives back claims whose events were never started (a stopping instance's), due at
    /// <paramref name="now"/> so any instance takes them at once instead of after their leases run out.
    /// Claims this instance no longer holds are left alone. Returns how many were given back.
    /// </summary>
    public async Task<int> ReleaseAsync(IReadOnlyCollection<JournalLease> leases, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(leases);
        if (leases.Count == 0)
        {
            return 0;
        }

        await using var command = _dataSource.CreateCommand(_releaseSql);
        command.Parameters.Add(new NpgsqlParameter { Value = now, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter { Value = leases.Select(lease => lease.Id).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = leases.Select(lease => lease.Attempt).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = _instanceId });
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// When the destination's next delivery falls due (a retry, or a lease that runs out), to sleep until
    /// then; null when it has none. A time at or before now means there is work to claim.
    /// </summary>
    public async Task<DateTimeOffset?> NextDueAsync(string destination, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(destination);
        await using var command = _dataSource.CreateCommand(_nextDueSql);
        command.Parameters.Add(new NpgsqlParameter { Value = destination });
        var value = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return value is DateTime due ? new DateTimeOffset(DateTime.SpecifyKind(due, DateTimeKind.Utc)) : null;
    }
}
