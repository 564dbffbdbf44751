using System.Globalization;

namespace Segment.Functions.Benchmarks;

/// <summary>The command line of <c>throughput</c>; see <see cref="Usage"/>.</summary>
internal sealed record ThroughputOptions
{
    public const string Usage = """
        dotnet run -c Release --project benchmarks/Segment.Functions.Benchmarks -- throughput [options]

        Pushes events (UTF-8 JSON of shared/fixtures/events/track.json, a unique messageId and one of
        1,000 userIds each) through ISegmentFunctions.SendAsync(ReadOnlyMemory<byte>) of a real host
        to no-op functions, until every event has its terminal delivery record at every destination;
        then runs the Node baseline (shared/bench/node-dispatch-baseline.js) with the same count.

          --events N           events to send (default 1,000,000)
          --destinations D     destinations, each a no-op function (default 1)
          --batch              the functions override OnBatch (batches of --batch-size)
          --http               the functions post each event (or batch) to a loopback Kestrel receiver
          --batch-size B       Batching.MaxSize with --batch (default 400)
          --max-wait-ms M      Batching.MaxWait with --batch (default 10 ms, so the last partial batch does not wait 10 s)
          --senders S          threads calling SendAsync at once (default: Environment.ProcessorCount;
                               with --postgres: async callers, default 512)
          --warmup W           events sent (and completed) before measuring, then a 0.5 s pause for the JIT's
                               last tier-1 compilations (default 300,000)
          --queue-capacity Q   SegmentFunctionsOptions.QueueCapacity (default: the library's, 10,000)
          --max-concurrency C  SegmentFunctionsOptions.MaxConcurrency (default: the library's, 4)
          --store memory       count on top of the default InMemoryDeliveryStore instead of a bare counter
          --no-node            skip the Node baseline (ratio=NaN)
          --log                print the host's warnings and errors to the console (off: nothing is logged)
          --alloc-types        also list the types allocated during the run (sampled from the GC's
                               AllocationTick events; the listener itself costs some throughput)

          --postgres           instead: durable delivery on PostgreSQL (see PostgreSqlThroughput): the same
                               run on a throwaway server (fsync on), beside the floor of durable work
                               (one COPY + one UPDATE of the same N events); the senders are async
                               callers, each awaiting its commit. Defaults change to --events 100,000,
                               --warmup 20,000, --senders 512; the Node baseline is not run
          --connection C       with --postgres: this server instead of a throwaway one (a schema per
                               measurement is created in it, and dropped at the end)
          --linger-ms L        with --postgres: PostgreSqlOptions.CommitLinger (default: the library's, 2 ms)

          --backlog N          instead: N events against one destination whose handler never finishes
                               (Invocation.Timeout 15 min), FullMode Reject, default QueueCapacity;
                               reports the peak working set (memory bounded by the queue, not by N)
        """;

    public long Events { get; init; } = 1_000_000;

    public int Destinations { get; init; } = 1;

    public bool Batch { get; init; }

    public int BatchSize { get; init; } = 400;

    public int MaxWaitMilliseconds { get; init; } = 10;

    public int Senders { get; init; } = Environment.ProcessorCount;

    public long Warmup { get; init; } = 300_000;

    public int? QueueCapacity { get; init; }

    public int? MaxConcurrency { get; init; }

    public bool MemoryStore { get; init; }

    public bool Node { get; init; } = true;

    public bool AllocationTypes { get; init; }

    /// <summary>The host's warnings and errors go to the console.</summary>
    public bool LogWarnings { get; init; }

    public long? Backlog { get; init; }

    /// <summary>The functions post each event (or batch) over HTTP to a loopback Kestrel receiver.</summary>
    public bool Http { get; init; }

    public bool Help { get; init; }

    /// <summary>Durable delivery on PostgreSQL instead of the in-memory queue (<see cref="PostgreSqlThroughput"/>).</summary>
    public bool Postgres { get; init; }

    /// <summary>With <see cref="Postgres"/>: a server to use instead of a throwaway one.</summary>
    public string? Connection { get; init; }

    /// <summary>With <see cref="Postgres"/>: PostgreSqlOptions.CommitLinger in milliseconds; null keeps the library's default.</summary>
    public double? LingerMilliseconds { get; init; }

    /// <exception cref="ArgumentException">An unknown flag or a bad value; the message says which.</exception>
    public static ThroughputOptions Parse(IReadOnlyList<string> args)
    {
        var options = new ThroughputOptions();
        var given = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i++)
        {
            var flag = args[i];
            given.Add(flag);
            options = flag switch
            {
                "--events" => options with { Events = Positive(flag, Value(args, ref i)) },
                "--destinations" => options with { Destinations = (int)Positive(flag, Value(args, ref i)) },
                "--batch" => options with { Batch = true },
                "--batch-size" => options with { BatchSize = (int)Positive(flag, Value(args, ref i)), Batch = true },
                "--max-wait-ms" => options with { MaxWaitMilliseconds = (int)Positive(flag, Value(args, ref i)) },
                "--senders" => options with { Senders = (int)Positive(flag, Value(args, ref i)) },
                "--warmup" => options with { Warmup = NonNegative(flag, Value(args, ref i)) },
                "--queue-capacity" => options with { QueueCapacity = (int)Positive(flag, Value(args, ref i)) },
                "--max-concurrency" => options with { MaxConcurrency = (int)Positive(flag, Value(args, ref i)) },
                "--store" => Value(args, ref i) switch
                {
                    "memory" => options with { MemoryStore = true },
                    "counting" => options with { MemoryStore = false },
                    var other => throw new ArgumentException($"--store takes memory or counting, not \"{other}\"."),
                },
                "--no-node" => options with { Node = false },
                "--http" => options with { Http = true },
                "--alloc-types" => options with { AllocationTypes = true },
                "--log" => options with { LogWarnings = true },
                "--backlog" or "--stalled" => options with { Backlog = Positive(flag, Value(args, ref i)) },
                "--postgres" => options with { Postgres = true },
                "--connection" => options with { Connection = Value(args, ref i) },
                "--linger-ms" => options with { LingerMilliseconds = NonNegative(flag, Value(args, ref i)) },
                "--help" or "-h" => options with { Help = true },
                _ => throw new ArgumentException($"Unknown option \"{flag}\"."),
            };
        }

        if (!options.Postgres)
        {
            return (options.Connection, options.LingerMilliseconds) is (null, null)
                ? options
                : throw new ArgumentException("--connection and --linger-ms go with --postgres.");
        }

        if (options.Backlog is not null || options.Http)
        {
            throw new ArgumentException("--postgres measures the no-op functions' throughput: it does not go with --backlog or --http.");
        }

        // Every durable SendAsync waits for its commit: many async callers let commits form groups.
        return options with
        {
            Events = given.Contains("--events") ? options.Events : 100_000,
            Warmup = given.Contains("--warmup") ? options.Warmup : 20_000,
            Senders = given.Contains("--senders") ? options.Senders : 512,
            Node = false,
        };
    }

    private static string Value(IReadOnlyList<string> args, ref int i) =>
        ++i < args.Count ? args[i] : throw new ArgumentException($"{args[i - 1]} needs a value.");

    private static long Positive(string flag, string text) =>
        NonNegative(flag, text) is > 0 and var value ? value : throw new ArgumentException($"{flag} must be more than 0.");

    private static long NonNegative(string flag, string text) =>
        long.TryParse(text.Replace("_", "").Replace(",", ""), NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new ArgumentException($"{flag} takes a whole number, not \"{text}\".");
}
