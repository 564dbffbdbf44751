namespace Segment.Functions.Tests;

/// <summary>The event fixtures and bad inputs under tests/fixtures, copied beside the test assembly.</summary>
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
        // The fixtures are copied beside the test assembly at build time (see the test project), so a
        // clone of the repository is all the tests need.
        var root = Path.Combine(AppContext.BaseDirectory, "fixtures");
        return Directory.Exists(root)
            ? root
            : throw new DirectoryNotFoundException($"{root} was not found; build the test project so tests/fixtures is copied beside it.");
    }
}
