using System.Globalization;
using Npgsql;

namespace Segment.Functions.Benchmarks;

/// <summary>
/// What the PostgreSQL server did between two snapshots: the CPU its processes used (the postmaster and its
/// children, found from a backend's parent in <c>/proc</c>, so only when the server runs on this machine
/// under Linux), the WAL written (from the current WAL position, exact), and the transactions committed in
/// the database and the WAL flushes (<c>pg_stat_database</c>, <c>pg_stat_wal</c>: the server's statistics,
/// which it publishes about once a second; wait a little before the last snapshot).
/// </summary>
internal sealed record PostgreSqlServerLoad(TimeSpan Cpu, long Commits, long WalSyncs, long WalBytes)
{
    private const double TicksPerSecond = 100; // USER_HZ on Linux

    public static async Task<PostgreSqlServerLoad> TakeAsync(NpgsqlDataSource dataSource)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var command = new NpgsqlCommand(
            """
            SELECT pg_backend_pid(),
                   (SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()),
                   (SELECT wal_sync FROM pg_stat_wal),
                   pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint
            """,
            connection);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return new PostgreSqlServerLoad(ServerCpu(reader.GetInt32(0)), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3));
    }

    /// <summary>Negative when the server's processes could not be read (another machine, or not Linux).</summary>
    private static TimeSpan ServerCpu(int backend)
    {
        try
        {
            if (Stat(backend) is not { } mine)
            {
                return TimeSpan.FromTicks(-1);
            }

            var postmaster = mine.ParentId;
            long ticks = 0;
            foreach (var folder in Directory.EnumerateDirectories("/proc"))
            {
                if (!int.TryParse(Path.GetFileName(folder), NumberStyles.None, CultureInfo.InvariantCulture, out var id)
                    || Stat(id) is not { } process)
                {
                    continue;
                }

                if (id == postmaster)
                {
                    // Its own time, and that of its children that ended (reaped), e.g. closed connections.
                    ticks += process.Ticks + process.ChildrenTicks;
                }
                else if (process.ParentId == postmaster)
                {
                    ticks += process.Ticks;
                }
            }

            return TimeSpan.FromSeconds(ticks / TicksPerSecond);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return TimeSpan.FromTicks(-1);
        }
    }

    // /proc/<pid>/stat: "pid (comm) state ppid … utime stime cutime cstime …"; comm may hold spaces, so fields count from its ')'.
    private static (int ParentId, long Ticks, long ChildrenTicks)? Stat(int id)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{id}/stat");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null; // ended meanwhile
        }

        var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
        long Field(int number) => long.Parse(fields[number - 3], CultureInfo.InvariantCulture);
        return ((int)Field(4), Field(14) + Field(15), Field(16) + Field(17));
    }
}
