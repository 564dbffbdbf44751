using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Segment.Functions.PostgreSql.Schema;

namespace Segment.Functions.PostgreSql.Tests.Cluster;

/// <summary>
/// The base of tests against the server: each test gets a fresh schema (migrated), a data source, a
/// fake clock and options pointing at that schema, so tests never see each other's rows.
/// </summary>
public abstract class PostgreSqlTest
{
    private static int s_schemas;

    /// <summary>The test's data source.</summary>
    protected NpgsqlDataSource DataSource { get; private set; } = null!;

    /// <summary>Options with the test's schema.</summary>
    protected PostgreSqlOptions Options { get; private set; } = null!;

    /// <summary>The clock that due times and leases are read from.</summary>
    protected FakeTimeProvider Time { get; private set; } = null!;

    /// <summary>Bounds every wait on the server in a test.</summary>
    protected static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [SetUp]
    public async Task CreateSchema()
    {
        DataSource = ClusterSetUp.Cluster.CreateDataSource();
        Options = new PostgreSqlOptions { Schema = NewSchemaName(), InstanceId = "instance-a" };
        Time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero));
        if (MigrateOnSetUp)
        {
            await SchemaMigrator.MigrateAsync(DataSource, Options.Schema, CancellationToken.None);
        }
    }

    [TearDown]
    public async Task DisposeDataSource()
    {
        if (DataSource is not null)
        {
            await DataSource.DisposeAsync();
        }
    }

    /// <summary>Whether the test's schema is created before the test (the migration tests start without one).</summary>
    protected virtual bool MigrateOnSetUp => true;

    /// <summary>A schema name no other test uses.</summary>
    protected static string NewSchemaName() => $"t{Interlocked.Increment(ref s_schemas)}_{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>Reads one value.</summary>
    protected async Task<T> ScalarAsync<T>(string sql, params object[] parameters)
    {
        await using var command = DataSource.CreateCommand(sql);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        return (T)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>The test schema's table, quoted for SQL.</summary>
    protected string Table(string name) => $"\"{Options.Schema}\".{name}";
}
