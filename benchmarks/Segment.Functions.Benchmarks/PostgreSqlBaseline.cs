using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using NpgsqlTypes;
using Segment.Functions.Delivery;
using Segment.Functions.PostgreSql;
using Segment.Functions.PostgreSql.Internal;
using Segment.Functions.PostgreSql.Queue;
using Segment.Functions.PostgreSql.Schema;
using Segment.Functions.PostgreSql.Tests.Cluster;

namespace Segment.Functions.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project benchmarks/Segment.Functions.Benchmarks -- postgres [options]</c>: the
/// cost of durable delivery on PostgreSQL, below the pipeline. On a throwaway server (the tests' cluster,
/// fsync and synchronous_commit on) or the one given with <c>--connection</c>:
/// 1. the floor: N events written with one <c>COPY</c> and completed with one <c>UPDATE</c>;
/// 2. one transaction per group of 1, 10, 100, 1,000 rows: binary <c>COPY</c> against a multi-row
///    <c>INSERT … SELECT FROM unnest(arrays)</c> (which the writer should use);
/// 3. <c>DeliveryWriter</c> under K concurrent senders, one event each call: events/s, commit-group size,
///    p50/p99 acceptance latency (a call's wait for its commit);
/// 4. claim and complete: W workers claiming up to 100 due events and completing them as delivered.
/// </summary>
internal static class PostgreSqlBaseline
{
    public const string Usage = """
        dotnet run -c Release --project benchmarks/Segment.Functions.Benchmarks -- postgres [options]

          --events N        events per measurement (default 100,000)
          --senders K       concurrent DeliveryWriter callers (default 64)
          --workers W       concurrent claim/complete loops (default 4)
          --linger-ms L     PostgreSqlOptions.CommitLinger (default 2)
          --connection C    use this server instead of starting a throwaway one (a schema is created in it)
        """;

    private static readonly byte[] Body = Encoding.UTF8.GetBytes(
        """{"type":"track","event":"Order Completed","userId":"user-42","messageId":"00000000-0000-0000-0000-000000000000","timestamp":"2026-12-06T12:00:00.000Z","properties":{"orderId":"50314b8e","total":27.5,"revenue":25,"currency":"USD","products":[{"product_id":"507f1f77","sku":"45790-32","name":"Monopoly","price":19,"quantity":1}]},"context":{"ip":"8.8.8.8","library":{"name":"analytics.js","version":"2.11.1"}}}""");

    public static int Run(string[] args)
    {
        var events = 100_000;
        var senders = 64;
        var workers = 4;
        var lingerMs = 2.0;
        string? connection = null;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--events": events = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--senders": senders = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--workers": workers = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--linger-ms": lingerMs = double.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--connection": connection = args[++i]; break;
                default:
                    Console.Error.WriteLine(Usage);
                    return 2;
            }
        }

        using var cluster = connection is null ? PostgreSqlCluster.Start() : null;
        using var dataSource = Open(cluster, connection);
        RunAsync(dataSource, events, senders, workers, TimeSpan.FromMilliseconds(lingerMs)).GetAwaiter().GetResult();
        return 0;
    }

    /// <summary>A data source on <paramref name="connection"/>, or else on <paramref name="cluster"/>; prints the server's version and durability settings.</summary>
    public static NpgsqlDataSource Open(PostgreSqlCluster? cluster, string? connection)
    {
        var dataSource = NpgsqlDataSource.Create(connection ?? cluster!.ConnectionString);
        Console.WriteLine(FormattableString.Invariant($"PostgreSQL {Scalar<string>(dataSource, "SHOW server_version")}, fsync={Scalar<string>(dataSource, "SHOW fsync")}, synchronous_commit={Scalar<string>(dataSource, "SHOW synchronous_commit")}, {Environment.ProcessorCount} cores"));
        return dataSource;
    }

    /// <summary>
    /// The floor of durable work: <paramref name="events"/> delivery rows of <paramref name="body"/> written with
    /// one <c>COPY</c> (one commit) and completed with one <c>UPDATE</c>, in a schema of their own (dropped
    /// afterwards); events/s over both.
    /// </summary>
    public static async Task<(TimeSpan Copy, TimeSpan Update, double EventsPerSecond)> MeasureFloorAsync(NpgsqlDataSource dataSource, int events, byte[] body)
    {
        var options = await FreshSchemaAsync(dataSource);
        try
        {
            var (copy, update) = await FloorAsync(dataSource, options, events, body);
            return (copy, update, events / (copy + update).TotalSeconds);
        }
        finally
        {
            await DropSchemaAsync(dataSource, options.Schema);
        }
    }

    /// <summary>Drops a schema this benchmark created, with everything in it (so repeated runs against one server do not pile up rows).</summary>
    public static async Task DropSchemaAsync(NpgsqlDataSource dataSource, string schema)
    {
        await using var drop = dataSource.CreateCommand($"DROP SCHEMA IF EXISTS {schema} CASCADE");
        await drop.ExecuteNonQueryAsync();
    }

    /// <summary>A new schema with a unique name, migrated to the package's tables.</summary>
    public static async Task<PostgreSqlOptions> FreshSchemaAsync(NpgsqlDataSource dataSource)
    {
        var options = new PostgreSqlOptions { Schema = "bench_" + Guid.NewGuid().ToString("N")[..12] };
        await SchemaMigrator.MigrateAsync(dataSource, options.Schema, CancellationToken.None);
        return options;
    }

    private static async Task RunAsync(NpgsqlDataSource dataSource, int events, int senders, int workers, TimeSpan linger)
    {
        Console.WriteLine(FormattableString.Invariant($"event {Body.Length} bytes"));
        var floor = await MeasureFloorAsync(dataSource, events, Body);
        Console.WriteLine(FormattableString.Invariant($"floor: {events:N0} events, one COPY {floor.Copy.TotalMilliseconds:F0} ms + one UPDATE {floor.Update.TotalMilliseconds:F0} ms = {floor.EventsPerSecond:N0} events/s"));

        foreach (var rows in new[] { 1, 10, 100, 1000 })
        {
            var transactions = Math.Max(20, Math.Min(500, 20_000 / rows));
            var copy = await PerTransactionAsync(dataSource, rows, transactions, useCopy: true);
            var insert = await PerTransactionAsync(dataSource, rows, transactions, useCopy: false);
            Console.WriteLine(FormattableString.Invariant($"group of {rows,5} rows, {transactions} transactions: COPY {copy.TotalMilliseconds:F2} ms, INSERT unnest {insert.TotalMilliseconds:F2} ms per transaction"));
        }

        await WriterAsync(dataSource, events, senders, linger);
        await ClaimAndCompleteAsync(dataSource, events, workers);
    }

    private static async Task<(TimeSpan Copy, TimeSpan Update)> FloorAsync(NpgsqlDataSource dataSource, PostgreSqlOptions options, int events, byte[] body)
    {
        var names = new SchemaNames(options.Schema);
        await using var connection = await dataSource.OpenConnectionAsync();
        var now = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            await CopyAsync(connection, names, events, now, body);
            await transaction.CommitAsync();
        }

        var copy = clock.Elapsed;
        clock.Restart();
        await using (var update = new NpgsqlCommand($"UPDATE {names.Deliveries} SET attempts = attempts + 1, first_attempt_at = $1, lease_owner = 'done'", connection))
        {
            update.Parameters.Add(new NpgsqlParameter { Value = now, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            await update.ExecuteNonQueryAsync();
        }

        return (copy, clock.Elapsed);
    }

    private static async Task<TimeSpan> PerTransactionAsync(NpgsqlDataSource dataSource, int rows, int transactions, bool useCopy)
    {
        var options = await FreshSchemaAsync(dataSource);
        var names = new SchemaNames(options.Schema);
        await using var connection = await dataSource.OpenConnectionAsync();
        var now = DateTimeOffset.UtcNow;
        var destinations = Enumerable.Repeat("A", rows).ToArray();
        var messageIds = Enumerable.Range(0, rows).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();
        var types = Enumerable.Repeat("track", rows).ToArray();
        var bodies = Enumerable.Repeat(Body, rows).ToArray();
        var clock = Stopwatch.StartNew();
        for (var t = 0; t < transactions; t++)
        {
            await using var transaction = await connection.BeginTransactionAsync();
            if (useCopy)
            {
                await CopyAsync(connection, names, rows, now, Body);
            }
            else
            {
                await using var insert = new NpgsqlCommand(
                    $"INSERT INTO {names.Deliveries} (destination, message_id, event_type, body, accepted_at, due_at) SELECT d, m, t, b, $5, $5 FROM unnest($1::text[], $2::text[], $3::text[], $4::bytea[]) AS u(d, m, t, b)",
                    connection, transaction);
                insert.Parameters.Add(new NpgsqlParameter { Value = destinations });
                insert.Parameters.Add(new NpgsqlParameter { Value = messageIds });
                insert.Parameters.Add(new NpgsqlParameter { Value = types });
                insert.Parameters.Add(new NpgsqlParameter { Value = bodies });
                insert.Parameters.Add(new NpgsqlParameter { Value = now, NpgsqlDbType = NpgsqlDbType.TimestampTz });
                await insert.ExecuteNonQueryAsync();
            }

            await transaction.CommitAsync();
        }

        return clock.Elapsed / transactions;
    }

    private static async Task WriterAsync(NpgsqlDataSource dataSource, int events, int senders, TimeSpan linger)
    {
        var options = await FreshSchemaAsync(dataSource);
        options.CommitLinger = linger;
        await using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        using var commits = new CommitGroupListener();

        await using var writer = new DeliveryWriter(dataSource, options, TimeProvider.System, new PostgreSqlTelemetry(services.GetRequiredService<IMeterFactory>()));
        var latencies = new double[events];
        var next = -1;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, senders).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < events)
            {
                var started = Stopwatch.GetTimestamp();
                await writer.EnqueueAsync([new NewDelivery("A", i.ToString(CultureInfo.InvariantCulture), "track", Body)], CancellationToken.None);
                latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            }
        })));
        var elapsed = clock.Elapsed;
        Array.Sort(latencies);
        var groups = commits.Summary("enqueue");
        Console.WriteLine(FormattableString.Invariant(
            $"DeliveryWriter: {events:N0} events from {senders} senders, linger {linger.TotalMilliseconds} ms: {events / elapsed.TotalSeconds:N0} events/s, {groups.Commits:N0} commits, group mean {groups.MeanSize:F1} max {groups.MaxSize}, acceptance latency p50 {CommitGroupListener.Percentile(latencies, 0.50):F2} ms p99 {CommitGroupListener.Percentile(latencies, 0.99):F2} ms"));
    }

    private static async Task ClaimAndCompleteAsync(NpgsqlDataSource dataSource, int events, int workers)
    {
        var options = await FreshSchemaAsync(dataSource);
        options.CommitLinger = TimeSpan.FromMilliseconds(1);
        var names = new SchemaNames(options.Schema);
        await using (var connection = await dataSource.OpenConnectionAsync())
        {
            await CopyAsync(connection, names, events, DateTimeOffset.UtcNow.AddSeconds(-1), Body);
        }

        await using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var claimer = new DeliveryClaimer(dataSource, options);
        await using var completer = new DeliveryCompleter(dataSource, options, TimeProvider.System, new PostgreSqlTelemetry(services.GetRequiredService<IMeterFactory>()));
        var completed = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, workers).Select(_ => Task.Run(async () =>
        {
            while (true)
            {
                var now = DateTimeOffset.UtcNow;
                var claimed = await claimer.ClaimAsync("A", 100, now, CancellationToken.None);
                if (claimed.Count == 0)
                {
                    return;
                }

                var results = await completer.CompleteAsync(claimed.Select(c => new Completion(c.Lease, new DeliveryRecord
                {
                    Destination = c.Destination,
                    MessageId = c.MessageId,
                    EventType = c.EventType,
                    State = DeliveryState.Delivered,
                    Attempts = c.Attempt,
                    FirstAttemptAt = c.FirstAttemptAt,
                    LastAttemptAt = now,
                })).ToArray(), CancellationToken.None);
                Interlocked.Add(ref completed, results.Count(r => r == CompletionResult.Completed));
            }
        })));
        Console.WriteLine(FormattableString.Invariant(
            $"claim 100 + complete (delivered record): {completed:N0} events by {workers} workers: {completed / clock.Elapsed.TotalSeconds:N0} events/s"));
    }

    private static async Task CopyAsync(NpgsqlConnection connection, SchemaNames names, int rows, DateTimeOffset now, byte[] body)
    {
        await using var copy = await connection.BeginBinaryImportAsync(
            $"COPY {names.Deliveries} (destination, message_id, event_type, body, accepted_at, due_at) FROM STDIN (FORMAT BINARY)");
        for (var i = 0; i < rows; i++)
        {
            await copy.StartRowAsync();
            await copy.WriteAsync("A", NpgsqlDbType.Text);
            await copy.WriteAsync(i.ToString(CultureInfo.InvariantCulture), NpgsqlDbType.Text);
            await copy.WriteAsync("track", NpgsqlDbType.Text);
            await copy.WriteAsync(body, NpgsqlDbType.Bytea);
            await copy.WriteAsync(now, NpgsqlDbType.TimestampTz);
            await copy.WriteAsync(now, NpgsqlDbType.TimestampTz);
        }

        await copy.CompleteAsync();
    }

    private static T Scalar<T>(NpgsqlDataSource dataSource, string sql)
    {
        using var command = dataSource.CreateCommand(sql);
        return (T)command.ExecuteScalar()!;
    }
}
