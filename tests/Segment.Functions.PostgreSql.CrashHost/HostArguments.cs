using System.Globalization;

namespace Segment.Functions.PostgreSql.CrashHost;

/// <summary>The command line of the crash host; every value is required except where a default is given.</summary>
internal sealed record HostArguments(string Postgres, string Urls, string Downstream, string Instance, string WriteKey, TimeSpan? CommitLinger)
{
    public const string Usage =
        "usage: Segment.Functions.PostgreSql.CrashHost --postgres <connection string> --urls http://127.0.0.1:<port, 0 for any> " +
        "--downstream <base url> --instance <instance id> [--write-key <key> (default crash-test-key)] [--commit-linger <milliseconds>]";

    /// <summary>Reads <c>--name value</c> pairs; throws <see cref="ArgumentException"/> (with <see cref="Usage"/>) on anything else.</summary>
    public static HostArguments Parse(IReadOnlyList<string> args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Count)
            {
                throw new ArgumentException($"Expected --name value pairs, got \"{args[i]}\".\n{Usage}");
            }

            values[args[i][2..]] = args[i + 1];
        }

        string Required(string name) => values.Remove(name, out var value) ? value : throw new ArgumentException($"--{name} is required.\n{Usage}");

        var parsed = new HostArguments(
            Required("postgres"),
            Required("urls"),
            Required("downstream").TrimEnd('/'),
            Required("instance"),
            values.Remove("write-key", out var key) ? key : "crash-test-key",
            values.Remove("commit-linger", out var linger) ? TimeSpan.FromMilliseconds(int.Parse(linger, CultureInfo.InvariantCulture)) : null);
        if (values.Count > 0)
        {
            throw new ArgumentException($"Unknown argument --{values.Keys.First()}.\n{Usage}");
        }

        return parsed;
    }
}
