namespace Segment.Functions.Benchmarks;

/// <summary>Loads the shared fixtures the benchmarks measure (../shared/fixtures beside the repository).</summary>
internal static class BenchmarkFixtures
{
    public static byte[] Event(string name)
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("SEGMENT_FIXTURES");
        if (!string.IsNullOrEmpty(fromEnvironment))
        {
            return File.ReadAllBytes(Path.Combine(fromEnvironment, "events", name));
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var path = Path.Combine(dir.FullName, "shared", "fixtures", "events", name);
            if (File.Exists(path))
            {
                return File.ReadAllBytes(path);
            }
        }

        throw new FileNotFoundException($"shared/fixtures/events/{name} was not found above {AppContext.BaseDirectory}; set SEGMENT_FIXTURES.");
    }
}
