using System.Reflection;

namespace Segment.Functions.Tests;

/// <summary>Finds the shared fixtures (../shared/fixtures beside the repository).</summary>
internal static class Fixtures
{
    private static readonly Lazy<string> Root = new(FindRoot);

    public static string EventsDirectory => Path.Combine(Root.Value, "events");

    public static string BadDirectory => Path.Combine(Root.Value, "bad");

    public static IEnumerable<string> EventFiles() =>
        Directory.GetFiles(EventsDirectory, "*.json").Where(f => !f.EndsWith("batch-mixed.json", StringComparison.Ordinal)).OrderBy(f => f, StringComparer.Ordinal);

    public static IEnumerable<string> BadFiles() =>
        Directory.GetFiles(BadDirectory).Where(f => !f.EndsWith("README.md", StringComparison.Ordinal)).OrderBy(f => f, StringComparer.Ordinal);

    public static byte[] Read(string path) => File.ReadAllBytes(path);

    public static byte[] Event(string name) => File.ReadAllBytes(Path.Combine(EventsDirectory, name));

    private static string FindRoot()
    {
        // SEGMENT_FIXTURES wins; otherwise walk up from the repository for a sibling shared/fixtures.
        var fromEnvironment = Environment.GetEnvironmentVariable("SEGMENT_FIXTURES");
        if (!string.IsNullOrEmpty(fromEnvironment))
        {
            return fromEnvironment;
        }

        var start = typeof(Fixtures).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == "RepositoryRoot")?.Value
            ?? AppContext.BaseDirectory;
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "fixtures");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException($"shared/fixtures was not found above {start}; set SEGMENT_FIXTURES to its path.");
    }
}
