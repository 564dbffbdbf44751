using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Segment.Functions.Delivery;
using Segment.Functions.Events.Internal;
using Segment.Functions.Hosting;

namespace Segment.Functions.Benchmarks;

/// <summary>
/// <c>throughput</c>: the whole path — <c>SendAsync(ReadOnlyMemory&lt;byte&gt;)</c> (parse, route, queue),
/// the destination's reader, the invoker, a no-op handler, the delivery record — measured in a real
/// host on <see cref="TimeProvider.System"/>, against the Node baseline. <c>--backlog</c> measures
/// memory instead, against a destination that never finishes. See <see cref="ThroughputOptions.Usage"/>.
/// </summary>
internal static class ThroughputRunner
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static int Run(string[] args)
    {
        ThroughputOptions options;
        try
        {
            options = ThroughputOptions.Parse(args);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine(e.Message);
            Console.Error.WriteLine(ThroughputOptions.Usage);
            return 2;
        }

        if (options.Help)
        {
            Console.WriteLine(ThroughputOptions.Usage);
            return 0;
        }

        if (options.Postgres)
        {
            return PostgreSqlThroughput.Run(options);
        }

        return options.Backlog is { } backlog
            ? RunBacklogAsync(options, backlog).GetAwaiter().GetResult()
            : RunThroughputAsync(options).GetAwaiter().GetResult();
    }

    private static async Task<int> RunThroughputAsync(ThroughputOptions options)
    {
        var store = new CountingObserver();
        await using var receiver = options.Http ? await LoopbackReceiver.StartAsync().ConfigureAwait(false) : null;
        var endpoint = receiver is null ? "https://noop.test/api" : receiver.BaseUrl + "/events";
        using var host = BuildHost(store, o =>
        {
            if (options.Http && options.MaxConcurrency is null)
            {
                o.MaxConcurrency = 32; // waiting on HTTP, not CPU
            }

            if (options.Batch)
            {
                o.Batching.MaxSize = options.BatchSize;
                o.Batching.MaxWait = TimeSpan.FromMilliseconds(options.MaxWaitMilliseconds);
            }
        }, builder =>
        {
            for (var d = 1; d <= options.Destinations; d++)
            {
                var name = $"noop-{d}";
                _ = (options.Http, options.Batch) switch
                {
                    (true, true) => builder.AddDestination<HttpBatchForwardFunction, NoopSettings>(name, s => s.Endpoint = endpoint),
                    (true, false) => builder.AddDestination<HttpForwardFunction, NoopSettings>(name, s => s.Endpoint = endpoint),
                    (false, true) => builder.AddDestination<NoopBatchFunction, NoopSettings>(name, static _ => { }),
                    _ => builder.AddDestination<NoopFunction, NoopSettings>(name, static _ => { }),
                };
            }
        }, options);
        await host.StartAsync().ConfigureAwait(false);
        var functions = host.Services.GetRequiredService<ISegmentFunctions>();
        var stream = EventStream.FromFixture();
        var perEvent = options.Destinations;

        // Warm-up: the JIT's tiers and the thread pool settle; not measured.
        if (await WarmUpAsync(store, options, () => Task.FromResult(Send(functions, stream, options.Events, options.Warmup, options.Senders))).ConfigureAwait(false))
        {
            await Task.Delay(500).ConfigureAwait(false);
        }

        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        var before = Snapshot.Take(store);
        var requestsBefore = receiver?.Requests ?? 0;
        var target = before.Terminal + options.Events * perEvent;
        var done = store.WhenReached(target);
        using var allocations = options.AllocationTypes ? new AllocationSampler() : null;
        allocations?.Start();
        using var sampler = new WorkingSetSampler(() => functions.Destinations.Sum(d => functions.GetStatus(d).Pending));
        var clock = Stopwatch.StartNew();
        var rejected = Send(functions, stream, 0, options.Events, options.Senders);
        var sent = clock.Elapsed;
        await done.ConfigureAwait(false);
        var elapsed = clock.Elapsed;
        var after = Snapshot.Take(store);
        var requests = (receiver?.Requests ?? 0) - requestsBefore;
        sampler.Stop();
        allocations?.Stop();
        Check(rejected == 0, $"{rejected} events were not accepted");
        Check(after.Delivered - before.Delivered == options.Events * perEvent,
            $"{after.Delivered - before.Delivered} delivered, expected {options.Events * perEvent}");
        await host.StopAsync().ConfigureAwait(false);

        var parse = MeasureParse(stream, Math.Min(options.Events, 200_000));
        var (node, nodeNote) = options.Node ? NodeBaseline.Run(options.Events) : (double.NaN, "skipped (--no-node)");

        var eventsPerSecond = options.Events / elapsed.TotalSeconds;
        var allocPerEvent = (after.Allocated - before.Allocated) / (double)options.Events;
        var peakMb = Math.Max(sampler.PeakBytes, after.PeakWorkingSet) / 1048576.0;
        var ratio = eventsPerSecond / node;
        var cores = (after.Cpu - before.Cpu).TotalSeconds / elapsed.TotalSeconds;
        var otherCores = Snapshot.OtherCores(before, after, elapsed);

        Console.WriteLine();
        Table(
            ("mode", (options.Batch ? $"batch (OnBatch, MaxSize {options.BatchSize}, MaxWait {options.MaxWaitMilliseconds} ms)" : "single-event") + (options.Http ? ", over loopback HTTP" : "")),
            ("HTTP requests/s to the receiver", options.Http ? $"{requests / elapsed.TotalSeconds:N0}" : "-"),
            ("destinations", perEvent.ToString(Invariant)),
            ("senders (threads calling SendAsync)", options.Senders.ToString(Invariant)),
            ("processors seen by .NET", $"{Environment.ProcessorCount} (GC: {(GCSettings.IsServerGC ? "server" : "workstation")}, {(GCSettings.LatencyMode == GCLatencyMode.Batch ? "non-concurrent" : "concurrent")})"),
            ("store", options.MemoryStore ? "InMemoryDeliveryStore + counter" : "counter only"),
            ("events (after warm-up of)", $"{options.Events:N0} ({options.Warmup:N0})"),
            ("event size", $"{stream.Length:N0} B"),
            ("all sent after", $"{sent.TotalSeconds:F3} s"),
            ("all terminal records after", $"{elapsed.TotalSeconds:F3} s"),
            ("events/s", $"{eventsPerSecond:N0}"),
            ("deliveries/s (events x destinations)", $"{eventsPerSecond * perEvent:N0}"),
            ("CPU used (cores, average)", $"{cores:F2}"),
            ("CPU used by other processes meanwhile (cores)", $"{otherCores:F2}"),
            ("allocated per event", $"{allocPerEvent:N0} B"),
            ("  of which the parse alone (measured apart)", $"{parse.AllocatedPerEvent:N0} B ({parse.MicrosecondsPerEvent:F2} us/event on one thread)"),
            ("  beyond the parse, per event", $"{allocPerEvent - parse.AllocatedPerEvent:N0} B"),
            ("  beyond the parse, per delivery", $"{(allocPerEvent - parse.AllocatedPerEvent) / perEvent:N0} B"),
            ("GCs gen0/gen1/gen2, pause", $"{after.Gen0 - before.Gen0}/{after.Gen1 - before.Gen1}/{after.Gen2 - before.Gen2}, {(after.Pause - before.Pause).TotalMilliseconds:N0} ms"),
            ("events pending (all destinations), mean / max", $"{sampler.MeanPending:N0} / {sampler.MaxPending:N0} (sampled every 10 ms)"),
            ("peak working set", $"{peakMb:N1} MB"),
            ("node baseline", double.IsNaN(node) ? $"n/a: {nodeNote}" : $"{node:N0} events/s ({nodeNote})"),
            ("ratio (events/s / node events/s)", double.IsNaN(ratio) ? "NaN" : $"{ratio:F2}x"));
        if (allocations is not null)
        {
            Console.WriteLine();
            Console.WriteLine("Allocated during the run, by type (sampled every ~100 KB by the GC; share of the sampled bytes, and bytes per event):");
            foreach (var (type, share) in allocations.Top(25))
            {
                Console.WriteLine(string.Create(Invariant, $"  {share,6:P1}  {share * allocPerEvent,6:F0} B  {type}"));
            }
        }

        Console.WriteLine();
        Console.WriteLine(string.Create(Invariant,
            $"throughput events={options.Events} destinations={perEvent} batch={(options.Batch ? "true" : "false")} http={(options.Http ? "true" : "false")} requests_per_s={requests / elapsed.TotalSeconds:F0} events_per_s={eventsPerSecond:F0} alloc_per_event={allocPerEvent:F0} peak_ws_mb={peakMb:F1} node_events_per_s={(double.IsNaN(node) ? "NaN" : node.ToString("F0", Invariant))} ratio={(double.IsNaN(ratio) ? "NaN" : ratio.ToString("F2", Invariant))} senders={options.Senders} processors={Environment.ProcessorCount} parse_alloc_per_event={parse.AllocatedPerEvent:F0} cpu_cores={cores:F2} other_cores={otherCores:F2}"));
        return 0;
    }

    private static async Task<int> RunBacklogAsync(ThroughputOptions options, long events)
    {
        var store = new CountingObserver();
        int capacity = 0, concurrency = 0;
        using var host = BuildHost(store, o =>
        {
            o.FullMode = QueueFullMode.Reject;
            o.Invocation.Timeout = TimeSpan.FromMinutes(15);
            o.ShutdownTimeout = TimeSpan.FromSeconds(1);
            (capacity, concurrency) = (o.QueueCapacity, o.MaxConcurrency);
        }, static builder => builder.AddDestination<StalledFunction, NoopSettings>("stalled", static _ => { }), options);
        await host.StartAsync().ConfigureAwait(false);
        var functions = host.Services.GetRequiredService<ISegmentFunctions>();
        var stream = EventStream.FromFixture();

        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        var heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        var before = Snapshot.Take(store);
        using var sampler = new WorkingSetSampler(() => functions.GetStatus("stalled").Pending);
        var clock = Stopwatch.StartNew();
        var rejected = Send(functions, stream, 0, events, options.Senders);
        var elapsed = clock.Elapsed;
        // Every rejection has its record when SendAsync returns; the accepted events stay pending.
        var status = functions.GetStatus("stalled");
        var after = Snapshot.Take(store);
        sampler.Stop();
        var heapAfter = GC.GetTotalMemory(forceFullCollection: true);
        Check(rejected == after.Terminal - before.Terminal, $"{rejected} rejected but {after.Terminal - before.Terminal} terminal records");
        Check(status.Pending == events - rejected, $"{status.Pending} pending, expected {events - rejected}");
        await host.StopAsync().ConfigureAwait(false);

        var peakMb = Math.Max(sampler.PeakBytes, after.PeakWorkingSet) / 1048576.0;
        var retainedMb = (heapAfter - heapBefore) / 1048576.0;
        Console.WriteLine();
        Table(
            ("mode", "backlog: one destination whose handler never finishes"),
            ("QueueCapacity / FullMode / MaxConcurrency", $"{capacity:N0} / Reject / {concurrency}"),
            ("senders", options.Senders.ToString(Invariant)),
            ("events sent", $"{events:N0} in {elapsed.TotalSeconds:F3} s ({events / elapsed.TotalSeconds:N0}/s)"),
            ("accepted (pending: queued + in flight)", $"{events - rejected:N0} ({status.Queued:N0} + {status.InFlight:N0})"),
            ("rejected as QueueFull (each with its record)", $"{rejected:N0}"),
            ("allocated per event sent", $"{(after.Allocated - before.Allocated) / (double)events:N0} B"),
            ("managed heap held by the backlog (after full GC)", $"{retainedMb:N1} MB ({(heapAfter - heapBefore) / (double)Math.Max(1, events - rejected):N0} B per pending event)"),
            ("peak working set", $"{peakMb:N1} MB"));
        Console.WriteLine();
        Console.WriteLine(string.Create(Invariant,
            $"backlog events={events} queue_capacity={capacity} accepted={events - rejected} rejected={rejected} peak_ws_mb={peakMb:F1} retained_heap_mb={retainedMb:F1} senders={options.Senders} processors={Environment.ProcessorCount}"));
        return 0;
    }

    internal static IHost BuildHost(CountingObserver store, Action<SegmentFunctionsOptions> configure, Action<SegmentFunctionsBuilder> destinations, ThroughputOptions options)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        if (options.LogWarnings)
        {
            // The host's warnings and errors (a lost lease, a failed commit) explain a run that stalls.
            builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
        }

        builder.Services.AddSingleton(TimeProvider.System);
        destinations(builder.Services.AddSegmentFunctions(o =>
        {
            if (options.QueueCapacity is { } capacity)
            {
                o.QueueCapacity = capacity;
            }

            if (options.MaxConcurrency is { } concurrency)
            {
                o.MaxConcurrency = concurrency;
            }

            configure(o);
        }));
        builder.Services.AddSingleton<IDeliveryObserver>(store);
        // On PostgreSQL the records are written with each claim's completion; its store stays.
        if (!options.MemoryStore && !options.Postgres)
        {
            builder.Services.AddSingleton<IDeliveryStore, DiscardingDeliveryStore>();
        }

        return builder.Build();
    }

    /// <summary>Sends events [first, first + count) from <paramref name="senders"/> threads; returns how many were not accepted.</summary>
    private static long Send(ISegmentFunctions functions, EventStream stream, long first, long count, int senders)
    {
        long notAccepted = 0;
        var threads = new Thread[senders];
        for (var s = 0; s < senders; s++)
        {
            var offset = s;
            var own = stream.Clone();
            threads[s] = new Thread(() =>
            {
                long mine = 0;
                for (var i = offset; i < count; i += senders)
                {
                    var pending = functions.SendAsync(own.Stamp(first + i));
                    // Waits only when FullMode.Wait makes room the limit (back-pressure).
                    var result = pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult();
                    mine += result.Status == SendStatus.Accepted ? 0 : 1;
                }

                Interlocked.Add(ref notAccepted, mine);
            })
            { IsBackground = true, Name = $"sender-{s}" };
        }

        foreach (var thread in threads)
        {
            thread.Start();
        }

        foreach (var thread in threads)
        {
            thread.Join();
        }

        return notAccepted;
    }

    /// <summary>The parse alone, as SendAsync runs it, on this thread: bytes allocated and time per event.</summary>
    private static (double AllocatedPerEvent, double MicrosecondsPerEvent) MeasureParse(EventStream stream, long events)
    {
        var own = stream.Clone();
        var parsing = new EventParseOptions();
        for (var i = 0; i < 20_000; i++)
        {
            _ = SegmentEventParser.ParseEvent(own.Stamp(i).Span, parsing);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < events; i++)
        {
            _ = SegmentEventParser.ParseEvent(own.Stamp(i).Span, parsing).Event ?? throw new InvalidOperationException("The fixture did not parse.");
        }

        return ((GC.GetAllocatedBytesForCurrentThread() - allocated) / (double)events, clock.Elapsed.TotalMicroseconds / events);
    }

    /// <summary>
    /// Sends the warm-up's events (numbered after the measured ones) with <paramref name="send"/>, which
    /// returns how many were not accepted, and waits for all their terminal outcomes; false when there is none.
    /// </summary>
    internal static async Task<bool> WarmUpAsync(CountingObserver store, ThroughputOptions options, Func<Task<long>> send)
    {
        if (options.Warmup == 0)
        {
            return false;
        }

        var warm = store.WhenReached(store.Terminal + options.Warmup * options.Destinations);
        var rejected = await send().ConfigureAwait(false);
        await warm.ConfigureAwait(false);
        Check(rejected == 0, $"{rejected} warm-up events were not accepted");
        return true;
    }

    internal static void Check(bool condition, string problem)
    {
        if (!condition)
        {
            throw new InvalidOperationException($"The run is not valid: {problem}.");
        }
    }

    internal static void Table(params (string Name, string Value)[] rows)
    {
        var width = rows.Max(r => r.Name.Length);
        var line = new string('-', width + 2) + "+" + new string('-', Math.Max(20, rows.Max(r => r.Value.Length) + 2));
        Console.WriteLine(line);
        foreach (var (name, value) in rows)
        {
            Console.WriteLine($" {name.PadRight(width)} | {value}");
        }

        Console.WriteLine(line);
    }

    internal readonly record struct Snapshot(long Terminal, long Delivered, long Allocated, TimeSpan Cpu, int Gen0, int Gen1, int Gen2, TimeSpan Pause, long PeakWorkingSet, TimeSpan MachineBusy)
    {
        /// <summary>CPU time the other processes took between two snapshots, in cores on average: how noisy the machine was.</summary>
        public static double OtherCores(Snapshot before, Snapshot after, TimeSpan elapsed) =>
            before.MachineBusy < TimeSpan.Zero || after.MachineBusy < TimeSpan.Zero
                ? double.NaN
                : Math.Max(0, ((after.MachineBusy - before.MachineBusy) - (after.Cpu - before.Cpu)).TotalSeconds / elapsed.TotalSeconds);

        public static Snapshot Take(CountingObserver store)
        {
            using var process = Process.GetCurrentProcess();
            return new(
                store.Terminal,
                store.Delivered,
                GC.GetTotalAllocatedBytes(precise: true),
                process.TotalProcessorTime,
                GC.CollectionCount(0),
                GC.CollectionCount(1),
                GC.CollectionCount(2),
                GC.GetTotalPauseDuration(),
                process.PeakWorkingSet64,
                MachineBusyTime());
        }

        // Linux: the busy time of all CPUs from /proc/stat (user + nice + system + irq + softirq + steal); negative elsewhere.
        private static TimeSpan MachineBusyTime()
        {
            try
            {
                var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
                long Ticks(int i) => long.Parse(fields[i], CultureInfo.InvariantCulture);
                var busy = Ticks(1) + Ticks(2) + Ticks(3) + Ticks(6) + Ticks(7) + Ticks(8);
                return TimeSpan.FromSeconds(busy / 100.0); // USER_HZ is 100 on Linux
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
            {
                return TimeSpan.FromTicks(-1);
            }
        }
    }

    /// <summary>Samples <see cref="Environment.WorkingSet"/> and the events pending every 10 ms on its own thread, for the peaks during a run.</summary>
    private sealed class WorkingSetSampler : IDisposable
    {
        private readonly Thread _thread;
        private volatile bool _stop;
        private long _peak;
        private long _pendingSum;
        private long _pendingMax;
        private long _samples;

        public WorkingSetSampler(Func<int> pending)
        {
            _thread = new Thread(() =>
            {
                while (!_stop)
                {
                    var now = Environment.WorkingSet;
                    if (now > Interlocked.Read(ref _peak))
                    {
                        Interlocked.Exchange(ref _peak, now);
                    }

                    var depth = pending();
                    Interlocked.Add(ref _pendingSum, depth);
                    if (depth > Interlocked.Read(ref _pendingMax))
                    {
                        Interlocked.Exchange(ref _pendingMax, depth);
                    }

                    Interlocked.Increment(ref _samples);
                    Thread.Sleep(10);
                }
            })
            { IsBackground = true, Name = "working-set-sampler" };
            _thread.Start();
        }

        public long PeakBytes => Interlocked.Read(ref _peak);

        public double MeanPending => Interlocked.Read(ref _pendingSum) / (double)Math.Max(1, Interlocked.Read(ref _samples));

        public long MaxPending => Interlocked.Read(ref _pendingMax);

        public void Stop()
        {
            _stop = true;
            _thread.Join();
        }

        public void Dispose() => Stop();
    }
}
