using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Segment.Functions.PostgreSql.Tests.Cluster;

/// <summary>
/// A throwaway PostgreSQL server for tests and benchmarks: Debian's binaries (the newest installed
/// version), <c>initdb</c> into a temporary folder, <c>pg_ctl</c> on a free loopback port with its unix
/// socket in that folder, stopped and deleted on <see cref="Dispose"/>. Durability settings are the
/// server's defaults (fsync and synchronous_commit on): durable commits are what is measured and tested.
/// initdb refuses to run as root, so as root the server runs as the <c>postgres</c> system user that
/// Debian's package creates. Nothing else on the machine is used: a cluster the package may have
/// created and started (port 5432) plays no part.
/// </summary>
public sealed class PostgreSqlCluster : IDisposable
{
    /// <summary>The message when no server binaries are installed.</summary>
    public const string NotInstalledMessage =
        "PostgreSQL server binaries not found: install them with `apt-get install postgresql` (./test.sh does this).";

    private const string Database = "segment_functions_tests";
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(2);

    private readonly string _folder;
    private readonly string _binaries;
    private readonly bool _asPostgresUser;
    private bool _stopped;

    private PostgreSqlCluster(string folder, string binaries, bool asPostgresUser, int port)
    {
        _folder = folder;
        _binaries = binaries;
        _asPostgresUser = asPostgresUser;
        Port = port;
        ConnectionString = new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = port,
            Username = "postgres",
            Database = Database,
            MaxPoolSize = 50,
        }.ConnectionString;
    }

    /// <summary>The loopback port the server listens on.</summary>
    public int Port { get; }

    /// <summary>A connection string to the test database (trust authentication on loopback).</summary>
    public string ConnectionString { get; }

    /// <summary>Where the data folder and the server's log are.</summary>
    public string Folder => _folder;

    /// <summary>
    /// Creates the cluster and starts it; throws with <see cref="NotInstalledMessage"/> when PostgreSQL is not
    /// installed under <paramref name="installRoot"/> (Debian's /usr/lib/postgresql). <paramref name="synchronousCommit"/>
    /// is for benchmarks that measure what a flush per commit costs; tests keep the durable default.
    /// </summary>
    public static PostgreSqlCluster Start(string? synchronousCommit = null, string installRoot = "/usr/lib/postgresql")
    {
        var binaries = FindBinaries(installRoot) ?? throw new InvalidOperationException(NotInstalledMessage);
        var asPostgresUser = Environment.UserName == "root";
        var folder = Path.Combine(Path.GetTempPath(), "segment-functions-pg-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(folder);
        var cluster = new PostgreSqlCluster(folder, binaries, asPostgresUser, FreeLoopbackPort());
        try
        {
            if (asPostgresUser)
            {
                Run("chown", ["postgres:postgres", folder], asPostgresUser: false);
            }

            // --no-sync only skips initdb's own final flush of the fresh files; the server runs with fsync on.
            cluster.RunTool("initdb", ["-D", cluster.DataFolder, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync", "--locale=C"]);
            var settings = string.Join(' ',
                $"-p {cluster.Port}",
                "-c listen_addresses=127.0.0.1",
                $"-c unix_socket_directories={folder}",
                "-c fsync=on",
                "-c max_connections=200",
                "-c shared_buffers=128MB",
                synchronousCommit is null ? "" : $"-c synchronous_commit={synchronousCommit}");
            cluster.RunTool("pg_ctl", ["-D", cluster.DataFolder, "-l", Path.Combine(folder, "server.log"), "-o", settings, "-w", "-t", "60", "start"]);
            cluster.RunTool("createdb", ["-h", "127.0.0.1", "-p", cluster.Port.ToString(CultureInfo.InvariantCulture), "-U", "postgres", Database]);
            return cluster;
        }
        catch
        {
            cluster.Dispose();
            throw;
        }
    }

    /// <summary>A data source on the test database; the caller disposes it.</summary>
    public NpgsqlDataSource CreateDataSource() => NpgsqlDataSource.Create(ConnectionString);

    /// <summary>Stops the server at once (no checkpoint: the folder is deleted anyway) and deletes its folder.</summary>
    public void Dispose()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        NpgsqlConnection.ClearAllPools();
        try
        {
            if (File.Exists(Path.Combine(DataFolder, "postmaster.pid")))
            {
                RunTool("pg_ctl", ["-D", DataFolder, "-m", "immediate", "-w", "stop"]);
            }
        }
        finally
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    private string DataFolder => Path.Combine(_folder, "data");

    /// <summary>The bin folder of the newest PostgreSQL installed the Debian way (/usr/lib/postgresql/N/bin), or null.</summary>
    private static string? FindBinaries(string root)
    {
        if (!Directory.Exists(root))
        {
            return null;
        }

        return Directory.GetDirectories(root)
            .Select(folder => (Folder: folder, Version: decimal.TryParse(Path.GetFileName(folder), NumberStyles.Number, CultureInfo.InvariantCulture, out var version) ? version : -1))
            .Where(candidate => candidate.Version >= 0 && File.Exists(Path.Combine(candidate.Folder, "bin", "initdb")) && File.Exists(Path.Combine(candidate.Folder, "bin", "pg_ctl")))
            .OrderByDescending(candidate => candidate.Version)
            .Select(candidate => Path.Combine(candidate.Folder, "bin"))
            .FirstOrDefault();
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private void RunTool(string tool, IReadOnlyList<string> arguments) => Run(Path.Combine(_binaries, tool), arguments, _asPostgresUser);

    private static void Run(string program, IReadOnlyList<string> arguments, bool asPostgresUser)
    {
        var start = new ProcessStartInfo(asPostgresUser ? "runuser" : program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            // The server's own files: the postgres user cannot enter root's working folder.
            WorkingDirectory = Path.GetTempPath(),
        };
        if (asPostgresUser)
        {
            foreach (var prefix in new[] { "-u", "postgres", "--", program })
            {
                start.ArgumentList.Add(prefix);
            }
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {program}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(CommandTimeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', arguments)} did not finish within {CommandTimeout}.");
        }

        // pg_ctl start leaves the server holding the pipes' write ends only when its log is not redirected; it is (-l).
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{program} {string.Join(' ', arguments)} failed with exit code {process.ExitCode}:\n{output.Result}\n{error.Result}");
        }
    }
}
