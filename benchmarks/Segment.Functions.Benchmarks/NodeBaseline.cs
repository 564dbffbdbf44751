using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Segment.Functions.Benchmarks;

/// <summary>Runs <c>benchmarks/node/node-dispatch-baseline.js</c> and reads its events/s.</summary>
internal static partial class NodeBaseline
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(10);

    /// <summary>The Node baseline's events/s, or NaN with the reason when it could not run.</summary>
    public static (double EventsPerSecond, string Note) Run(long events)
    {
        if (FindScript() is not { } script)
        {
            return (double.NaN, "node/node-dispatch-baseline.js was not found beside the benchmark assembly (benchmarks/node in the repository)");
        }

        var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add(events.ToString(CultureInfo.InvariantCulture));
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new Win32Exception("no process");
        }
        catch (Win32Exception e)
        {
            return (double.NaN, $"node could not be started ({e.Message}); is Node.js on PATH?");
        }

        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(Limit))
            {
                process.Kill(entireProcessTree: true);
                return (double.NaN, $"node did not finish within {Limit.TotalMinutes} minutes");
            }

            var match = Line().Match(output.GetAwaiter().GetResult());
            return match.Success
                ? (double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), $"node {script} {events}")
                : (double.NaN, $"node exited with {process.ExitCode} and no \"node-baseline:\" line: {errors.GetAwaiter().GetResult().Trim()}");
        }
    }

    private static string? FindScript()
    {
        // benchmarks/node/node-dispatch-baseline.js, copied beside the benchmark assembly.
        var path = Path.Combine(AppContext.BaseDirectory, "node", "node-dispatch-baseline.js");
        return File.Exists(path) ? path : null;
    }

    [GeneratedRegex(@"node-baseline:\s*([0-9.]+)\s*events/s")]
    private static partial Regex Line();
}
