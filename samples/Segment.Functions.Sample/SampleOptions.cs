using System.Globalization;

namespace Sample;

/// <summary>The sample's command line.</summary>
public sealed class SampleOptions
{
    public const string Help = """
        Segment.Functions sample: two destination functions on the host, delivering to a local fake API.

        Usage: dotnet run --project samples/Segment.Functions.Sample -- [options] [events.jsonl | -]
               dotnet run --project samples/Segment.Functions.Sample -- serve [--urls URL] [--write-key KEY] [--cors-origin ORIGIN]...

        Sends a stream of Segment events through ISegmentFunctions.SendAsync to two destinations,
        "Webhook" (a single-event forwarder) and "Acme" (a batching function), which post them to a
        fake API on 127.0.0.1 that fails some requests so retries show. Prints a progress line, then a
        delivery summary per destination, and exits 0 when every event has its final outcome.

        Options:
          --events N          events of the bundled, generated stream to send (default 2000)
          --fail-rate R       share of API requests answered 500 (default 0.2)
          --throttle-rate R   share answered 429 with Retry-After: 1 (default 0.05)
          --batch-size N      OnBatch size of the Acme destination, 1-400 (default 20)
          --seed N            seed of the generated stream and of the API's failures (default 1)
          --no-progress       no live progress line
          --postgres CONN     keep events, retries and records in PostgreSQL (an Npgsql connection string,
                              e.g. "Host=127.0.0.1;Database=app;Username=app;Password=…"; also with serve):
                              what is accepted survives a crash, events left by an earlier run are delivered,
                              and the summary counts every run that used the database
          -h, --help          this help
          events.jsonl        send these events instead (one JSON event per line); "-" reads stdin

        serve: the same two destinations behind an HTTP endpoint compatible with Segment's Tracking
        API (POST /v1/track, /v1/batch, …) until Ctrl+C, then the summary. Point an SDK at it, e.g.
        new Analytics({ writeKey: 'KEY', host: 'http://127.0.0.1:5080' }) with @segment/analytics-node.
          --urls URL          where to listen (default http://127.0.0.1:5080)
          --write-key KEY     accept only this write key (default: any request is accepted)
          --cors-origin ORIGIN  let web pages from ORIGIN (e.g. http://localhost:3000) send with analytics.js;
                              repeat for several, "*" for any (default: CORS off)
        """;

    public int Events { get; private set; } = 2000;

    public double FailRate { get; private set; } = 0.2;

    public double ThrottleRate { get; private set; } = 0.05;

    public int BatchSize { get; private set; } = 20;

    public int Seed { get; private set; } = 1;

    public bool Progress { get; private set; } = true;

    public bool ShowHelp { get; private set; }

    /// <summary>The PostgreSQL connection string of <c>--postgres</c>; null keeps everything in memory.</summary>
    public string? Postgres { get; private set; }

    public string? Input { get; private set; }

    public bool Serve { get; private set; }

    public string Urls { get; private set; } = "http://127.0.0.1:5080";

    public string? WriteKey { get; private set; }

    public List<string> CorsOrigins { get; } = [];

    /// <exception cref="ArgumentException">An unknown flag or a bad value; the message says which.</exception>
    public static SampleOptions Parse(IReadOnlyList<string> args)
    {
        var options = new SampleOptions();
        var first = 0;
        if (args.Count > 0 && args[0] == "serve")
        {
            options.Serve = true;
            first = 1;
        }

        for (var i = first; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "-h" or "--help":
                    options.ShowHelp = true;
                    break;
                case "--events":
                    options.Events = Int(Value(), "--events", 0, 10_000_000);
                    break;
                case "--fail-rate":
                    options.FailRate = Rate(Value(), "--fail-rate");
                    break;
                case "--throttle-rate":
                    options.ThrottleRate = Rate(Value(), "--throttle-rate");
                    break;
                case "--batch-size":
                    options.BatchSize = Int(Value(), "--batch-size", 1, 400);
                    break;
                case "--seed":
                    options.Seed = Int(Value(), "--seed", int.MinValue, int.MaxValue);
                    break;
                case "--no-progress":
                    options.Progress = false;
                    break;
                case "--postgres":
                    options.Postgres = Value();
                    break;
                case "--urls" when options.Serve:
                    options.Urls = Value();
                    break;
                case "--write-key" when options.Serve:
                    options.WriteKey = Value();
                    break;
                case "--cors-origin" when options.Serve:
                    options.CorsOrigins.Add(Value());
                    break;
                case var path when !options.Serve && (path == "-" || !path.StartsWith('-')):
                    options.Input = path;
                    break;
                default:
                    throw new ArgumentException($"Unknown option {args[i]}.");
            }
        }

        if (options.FailRate + options.ThrottleRate > 0.9)
        {
            throw new ArgumentException("--fail-rate plus --throttle-rate must stay at or below 0.9, or little would ever be delivered.");
        }

        return options;
    }

    private static int Int(string text, string flag, int min, int max) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new ArgumentException($"{flag} must be a whole number from {min} to {max} (was \"{text}\").");

    private static double Rate(string text, string flag) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value is >= 0 and <= 1
            ? value
            : throw new ArgumentException($"{flag} must be a number from 0 to 1 (was \"{text}\").");
}
