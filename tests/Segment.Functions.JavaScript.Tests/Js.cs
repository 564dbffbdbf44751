namespace Segment.Functions.JavaScript.Tests;

/// <summary>Builds a harness over a JavaScript function, as an author would.</summary>
internal static class Js
{
    public static FunctionHarness<JavaScriptFunction> Harness(string source, FunctionSettings? settings = null, JavaScriptOptions? options = null, InvocationOptions? invocation = null) =>
        new(settings ?? new FunctionSettings(), JavaScriptFunction.Factory(source, options), invocation);

    /// <summary>Runs a track event through a function whose onTrack is <paramref name="body"/>.</summary>
    public static async Task<FunctionRun> RunTrackAsync(string body, Action<FakeHttpHandler>? http = null, FunctionSettings? settings = null)
    {
        using var harness = Harness($"async function onTrack(event, settings) {{\n{body}\n}}", settings);
        http?.Invoke(harness.Http);
        return await harness.RunAsync(SampleEvents.Track());
    }

    /// <summary>The messages the run logged, in order.</summary>
    public static string[] Lines(this FunctionRun run) => run.LogEntries.Select(e => e.Message).ToArray();
}
