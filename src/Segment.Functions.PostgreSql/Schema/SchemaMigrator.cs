using Npgsql;

namespace Segment.Functions.PostgreSql.Schema;

/// <summary>
/// Creates the schema and applies the migrations it lacks. Safe when several instances start at once:
/// the work runs under a session-level advisory lock keyed by the schema's name, so one instance migrates
/// and the others wait, then find nothing left to do. Each migration runs in its own transaction with
/// its row in <c>schema_version</c>, so a failure leaves the schema at the previous version.
/// </summary>
internal static class SchemaMigrator
{
    /// <summary>Brings the schema up to the newest version; returns the versions this call applied (empty when it was current).</summary>
    public static async Task<IReadOnlyList<int>> MigrateAsync(NpgsqlDataSource dataSource, string schema, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        var names = new SchemaNames(schema);

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, "SELECT pg_advisory_lock(hashtextextended($1, 0))", cancellationToken, LockKey(schema)).ConfigureAwait(false);
        try
        {
            await ExecuteAsync(connection,
                $"""
                CREATE SCHEMA IF NOT EXISTS {names.Quoted};
                CREATE TABLE IF NOT EXISTS {names.SchemaVersion} (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now());
                """,
                cancellationToken).ConfigureAwait(false);

            var current = await CurrentVersionAsync(connection, names, cancellationToken).ConfigureAwait(false);
            var applied = new List<int>();
            foreach (var (version, sql) in Migrations.For(names))
            {
                if (version <= current)
                {
                    continue;
                }

                await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                await ExecuteAsync(connection, sql, cancellationToken).ConfigureAwait(false);
                await ExecuteAsync(connection, $"INSERT INTO {names.SchemaVersion} (version) VALUES ($1)", cancellationToken, version).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                applied.Add(version);
            }

            return applied;
        }
        finally
        {
            // Unlock even when cancelled: the connection goes back to the pool, and a session lock would stay with it.
            // A broken connection has lost its session, and its lock with it: nothing to unlock, and the original error stands.
            if (connection.FullState == System.Data.ConnectionState.Open)
            {
                await ExecuteAsync(connection, "SELECT pg_advisory_unlock(hashtextextended($1, 0))", CancellationToken.None, LockKey(schema)).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The newest version applied to the schema, or 0 when none (or no schema) exists.</summary>
    public static async Task<int> CurrentVersionAsync(NpgsqlDataSource dataSource, string schema, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        var names = new SchemaNames(schema);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var exists = new NpgsqlCommand("SELECT to_regclass($1) IS NOT NULL", connection) { Parameters = { new() { Value = names.SchemaVersion } } };
        if (!(bool)(await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!)
        {
            return 0;
        }

        return await CurrentVersionAsync(connection, names, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The newest migration this build knows.</summary>
    public static int LatestVersion => Migrations.For(new SchemaNames("s")).Max(migration => migration.Version);

    private static string LockKey(string schema) => "segment_functions.migrate:" + schema;

    private static async Task<int> CurrentVersionAsync(NpgsqlConnection connection, SchemaNames names, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"SELECT coalesce(max(version), 0) FROM {names.SchemaVersion}", connection);
        return (int)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params object[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
