namespace Segment.Functions.Benchmarks;

/// <summary>Loads the event fixtures the benchmarks measure (tests/fixtures, copied beside the benchmark assembly).</summary>
internal static class BenchmarkFixtures
{
    public static byte[] Event(string name)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "fixtures", "events", name);
        return File.Exists(path)
            ? File.ReadAllBytes(path)
            : throw new FileNotFoundException($"{path} was not found; build the benchmark project so tests/fixtures is copied beside it.", path);
    }
}
