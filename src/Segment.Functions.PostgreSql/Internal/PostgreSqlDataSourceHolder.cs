using Npgsql;

namespace Segment.Functions.PostgreSql.Internal;

/// <summary>
/// The data source durable delivery uses, kept apart from any <see cref="NpgsqlDataSource"/> the
/// application registers for itself; disposed with the container only when built here from a
/// connection string (one the application handed in stays the application's).
/// </summary>
internal sealed class PostgreSqlDataSourceHolder(NpgsqlDataSource dataSource, bool owned) : IAsyncDisposable, IDisposable
{
    public NpgsqlDataSource DataSource { get; } = dataSource;

    public ValueTask DisposeAsync() => owned ? DataSource.DisposeAsync() : ValueTask.CompletedTask;

    public void Dispose()
    {
        if (owned)
        {
            DataSource.Dispose();
        }
    }
}
