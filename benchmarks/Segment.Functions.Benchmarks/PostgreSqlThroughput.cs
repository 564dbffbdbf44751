using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Segment.Functions.Hosting;
using Segment.Functions.PostgreSql.Tests.Cluster;

namespace Segment.Functions.Benchmarks;

/// <summary>
/// <c>throughput --postgres</c>: the whole durable path — <c>SendAsync</c> answering once the event's row is
/// committed (grouped commits), the destination's claims under leases, a no-op handler, and each outcome's
/// completion committed with its record — on a throwaway PostgreSQL server (fsync and synchronous_commit on)
/// or <c>--connection</c>, beside the floor of durable work measured in the same run, before and after:
/// the same number of rows written with one <c>COPY</c> and completed with one <c>UPDATE</c>.
/// Events/s count from the first send to the last terminal outcome heard by an <see cref="CountingObserver"/>
/// (observers hear of a claimed event only once its completion is committed). Many async senders each await
/// their own commit, as ingestion requests do, so that commits can form groups.
/// </summary>
internal static class PostgreSqlThroughput
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    // The server publishes its statistics about once a second, when a connection goes idle.
    private static readonly TimeSpan StatisticsDelay = TimeSpan.FromSeconds(1.5);

    public static int Run(ThroughputOptions options)
    {
        using var cluster = options.Connection is null ? PostgreSqlCluster.Start() : null;
        using var dataSource = PostgreSqlBaseline.Open(cluster, options.Connection);
        return RunAsync(options, dataSource).GetAwaiter().GetResult();
    }

    private static async Task<int> RunAsync(ThroughputOptions options, NpgsqlDataSource dataSource)
    {
        var events = checked((int)options.Events);
        // The floor writes the same bytes the pipeline is sent: the fixture, as stamped for one event.
        var body = EventStream.FromFixture().Stamp(0).ToArray();
        Console.WriteLine(string.Create(Invariant, $"event {body.Length} bytes"));
        var walBefore = await PostgreSqlServerLoad.TakeAsync(dataSource).ConfigureAwait(false);
        var floorBefore = await PostgreSqlBaseline.MeasureFloorAsync(dataSource, events, body).ConfigureAwait(false);
        var floorWal = ((await PostgreSqlServerLoad.TakeAsync(dataSource).ConfigureAwait(false)).WalBytes - walBefore.WalBytes) / (double)events;
        Console.WriteLine(string.Create(Invariant, $"floor before: {floorBefore.EventsPerSecond:N0} events/s (COPY {floorBefore.Copy.TotalMilliseconds:F0} ms + UPDATE {floorBefore.Update.TotalMilliseconds:F0} ms), WAL {floorWal:N0} B per event"));
        var run = await RunPipelineAsync(options, dataSource).ConfigureAwait(false);
        var floorAfter = await PostgreSqlBaseline.MeasureFloorAsync(dataSource, events, body).ConfigureAwait(false);
        Console.WriteLine(string.Create(Invariant, $"floor after: {floorAfter.EventsPerSecond:N0} events/s (COPY {floorAfter.Copy.TotalMilliseconds:F0} ms + UPDATE {floorAfter.Update.TotalMilliseconds:F0} ms)"));

        var floor = (floorBefore.EventsPerSecond + floorAfter.EventsPerSecond) / 2;
        var eventsPerSecond = events / run.Elapsed.TotalSeconds;
        var ratio = eventsPerSecond / floor;
        var enqueue = run.Enqueue;
        var complete = run.Complete;
        var cores = (run.After.Cpu - run.Before.Cpu).TotalSeconds / run.Elapsed.TotalSeconds;
        var serverCores = run.ServerBefore.Cpu < TimeSpan.Zero || run.ServerAfter.Cpu < TimeSpan.Zero
            ? double.NaN
            : (run.ServerAfter.Cpu - run.ServerBefore.Cpu).TotalSeconds / run.Elapsed.TotalSeconds;
        // The runner's other_cores counts everything but this process; the server is ours, so it is taken out.
        var otherCores = Math.Max(0, ThroughputRunner.Snapshot.OtherCores(run.Before, run.After, run.Elapsed) - (double.IsNaN(serverCores) ? 0 : serverCores));
        var deliveries = (double)events * options.Destinations;

        Console.WriteLine();
        ThroughputRunner.Table(
            ("mode", (options.Batch ? $"batch (OnBatch, MaxSize {options.BatchSize}, MaxWait {options.MaxWaitMilliseconds} ms)" : "single-event") + ", durable on PostgreSQL"),
            ("destinations", options.Destinations.ToString(Invariant)),
            ("senders (async callers of SendAsync)", options.Senders.ToString(Invariant)),
            ("MaxConcurrency / commit linger", $"{options.MaxConcurrency?.ToString(Invariant) ?? "library default"} / {(options.LingerMilliseconds is { } linger ? $"{linger} ms" : "library default")}"),
            ("events (after warm-up of)", $"{events:N0} ({options.Warmup:N0})"),
            ("all accepted after", $"{run.Sent.TotalSeconds:F3} s"),
            ("all terminal records after", $"{run.Elapsed.TotalSeconds:F3} s"),
            ("events/s accepted and delivered", $"{eventsPerSecond:N0}"),
            ("floor (one COPY + one UPDATE), before / after", $"{floorBefore.EventsPerSecond:N0} / {floorAfter.EventsPerSecond:N0} events/s"),
            ("ratio (events/s / mean floor)", $"{ratio:F2}x"),
            ("acceptance latency p50 / p99 / max", $"{run.Latency.P50:F2} / {run.Latency.P99:F2} / {run.Latency.Max:F2} ms"),
            ("enqueue commits, rows per commit mean / p50 / p99 / max", Groups(enqueue)),
            ("enqueue commit duration mean / p50 / p99", Durations(enqueue)),
            ("complete commits, rows per commit mean / p50 / p99 / max", Groups(complete)),
            ("complete commit duration mean / p50 / p99", Durations(complete)),
            ("server: transactions committed per 1,000 deliveries", $"{(run.ServerAfter.Commits - run.ServerBefore.Commits) * 1000 / deliveries:F1}"),
            ("server: WAL flushes per 1,000 deliveries", $"{(run.ServerAfter.WalSyncs - run.ServerBefore.WalSyncs) * 1000 / deliveries:F1}"),
            ("server: WAL per delivery (floor: per event)", $"{(run.ServerAfter.WalBytes - run.ServerBefore.WalBytes) / deliveries:N0} B ({floorWal:N0} B)"),
            ("CPU used: this process / PostgreSQL (cores, average)", $"{cores:F2} / {(double.IsNaN(serverCores) ? "n/a (server not on this machine)" : serverCores.ToString("F2", Invariant))}"),
            ("CPU used by other processes meanwhile (cores)", $"{otherCores:F2}"),
            ("GCs gen0/gen1/gen2, pause", $"{run.After.Gen0 - run.Before.Gen0}/{run.After.Gen1 - run.Before.Gen1}/{run.After.Gen2 - run.Before.Gen2}, {(run.After.Pause - run.Before.Pause).TotalMilliseconds:N0} ms"));
        Console.WriteLine();
        Console.WriteLine(string.Create(Invariant,
            $"throughput_postgres events={events} destinations={options.Destinations} batch={(options.Batch ? "true" : "false")} senders={options.Senders} events_per_s={eventsPerSecond:F0} floor_events_per_s={floor:F0} ratio={ratio:F2} enqueue_group_mean={enqueue.MeanSize:F1} enqueue_group_p50={enqueue.P50Size} enqueue_group_p99={enqueue.P99Size} complete_group_mean={complete.MeanSize:F1} complete_group_p50={complete.P50Size} complete_group_p99={complete.P99Size} accept_p50_ms={run.Latency.P50:F2} accept_p99_ms={run.Latency.P99:F2} cpu_cores={cores:F2} pg_cores={serverCores:F2} other_cores={otherCores:F2}"));
        return 0;
    }

    private static async Task<PipelineRun> RunPipelineAsync(ThroughputOptions options, NpgsqlDataSource dataSource)
    {
        var schema = "bench_" + Guid.NewGuid().ToString("N")[..12];
        var store = new CountingObserver();
        using var commits = new CommitGroupListener();
        using var host = ThroughputRunner.BuildHost(store, o =>
        {
            if (options.Batch)
            {
                o.Batching.MaxSize = options.BatchSize;
                o.Batching.MaxWait = TimeSpan.FromMilliseconds(options.MaxWaitMilliseconds);
            }
        }, builder =>
        {
            for (var d = 1; d <= options.Destinations; d++)
            {
                _ = options.Batch
                    ? builder.AddDestination<NoopBatchFunction, NoopSettings>($"noop-{d}", static _ => { })
                    : builder.AddDestination<NoopFunction, NoopSettings>($"noop-{d}", static _ => { });
            }

            builder.UsePostgreSql(dataSource, o =>
            {
                o.Schema = schema;
                if (options.LingerMilliseconds is { } linger)
                {
                    o.CommitLinger = TimeSpan.FromMilliseconds(linger);
                }
            });
        }, options);
        try
        {
            await host.StartAsync().ConfigureAwait(false);
            var functions = host.Services.GetRequiredService<ISegmentFunctions>();
            var stream = EventStream.FromFixture();
            var perEvent = options.Destinations;

            // Warm-up: the JIT's tiers, the thread pool, the connection pool and the server's caches settle; not measured.
            await ThroughputRunner.WarmUpAsync(store, options, () => SendAllAsync(functions, stream, options.Events, options.Warmup, options.Senders, latencies: null)).ConfigureAwait(false);
            await Task.Delay(StatisticsDelay).ConfigureAwait(false);
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
            var serverBefore = await PostgreSqlServerLoad.TakeAsync(dataSource).ConfigureAwait(false);
            commits.Reset();
            var before = ThroughputRunner.Snapshot.Take(store);
            var done = store.WhenReached(before.Terminal + options.Events * perEvent);
            var latencies = new double[options.Events];
            var clock = Stopwatch.StartNew();
            var rejected = await SendAllAsync(functions, stream, 0, options.Events, options.Senders, latencies).ConfigureAwait(false);
            var sent = clock.Elapsed;
            await done.ConfigureAwait(false);
            var elapsed = clock.Elapsed;
            var after = ThroughputRunner.Snapshot.Take(store);
            var serverCpu = (await PostgreSqlServerLoad.TakeAsync(dataSource).ConfigureAwait(false)).Cpu;
            var enqueue = commits.Summary("enqueue");
            var complete = commits.Summary("complete");
            ThroughputRunner.Check(rejected == 0, $"{rejected} events were not accepted");
            ThroughputRunner.Check(after.Delivered - before.Delivered == options.Events * perEvent,
                $"{after.Delivered - before.Delivered} delivered, expected {options.Events * perEvent}");
            await host.StopAsync().ConfigureAwait(false);

            await Task.Delay(StatisticsDelay).ConfigureAwait(false);
            var serverAfter = await PostgreSqlServerLoad.TakeAsync(dataSource).ConfigureAwait(false) with { Cpu = serverCpu };
            Array.Sort(latencies);
            var latency = (CommitGroupListener.Percentile(latencies, 0.50), CommitGroupListener.Percentile(latencies, 0.99), latencies[^1]);
            return new PipelineRun(sent, elapsed, before, after, serverBefore, serverAfter, enqueue, complete, latency);
        }
        finally
        {
            await PostgreSqlBaseline.DropSchemaAsync(dataSource, schema).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Sends events [first, first + count) from <paramref name="senders"/> async callers, each awaiting its
    /// event's commit before sending the next; writes each call's duration (ms) into <paramref name="latencies"/>
    /// at the event's index when given. Returns how many were not accepted.
    /// </summary>
    private static async Task<long> SendAllAsync(ISegmentFunctions functions, EventStream stream, long first, long count, int senders, double[]? latencies)
    {
        long next = -1;
        long notAccepted = 0;
        await Task.WhenAll(Enumerable.Range(0, senders).Select(_ => Task.Run(async () =>
        {
            // Its own buffer: reused only once the previous event's SendAsync has completed (and parsed it).
            var own = stream.Clone();
            long i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                var started = Stopwatch.GetTimestamp();
                var result = await functions.SendAsync(own.Stamp(first + i)).ConfigureAwait(false);
                if (latencies is not null)
                {
                    latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                }

                if (result.Status != SendStatus.Accepted)
                {
                    Interlocked.Increment(ref notAccepted);
                }
            }
        }))).ConfigureAwait(false);
        return notAccepted;
    }

    private static string Groups(CommitSummary s) =>
        string.Create(Invariant, $"{s.Commits:N0} commits, {s.MeanSize:F1} / {s.P50Size} / {s.P99Size} / {s.MaxSize}");

    private static string Durations(CommitSummary s) =>
        string.Create(Invariant, $"{s.MeanMs:F2} / {s.P50Ms:F2} / {s.P99Ms:F2} ms");

    private sealed record PipelineRun(
        TimeSpan Sent,
        TimeSpan Elapsed,
        ThroughputRunner.Snapshot Before,
        ThroughputRunner.Snapshot After,
        PostgreSqlServerLoad ServerBefore,
        PostgreSqlServerLoad ServerAfter,
        CommitSummary Enqueue,
        CommitSummary Complete,
        (double P50, double P99, double Max) Latency);
}
