using System.Diagnostics.Metrics;
using Segment.Functions.PostgreSql.Internal;

namespace Segment.Functions.Benchmarks;

/// <summary>
/// Listens to the PostgreSQL package's grouped commits (meter <c>Segment.Functions.PostgreSql</c>, histograms
/// <c>commit.size</c> and <c>commit.duration</c>, tagged <c>operation</c> = enqueue | complete) and keeps every
/// measurement since the last <see cref="Reset"/>, so a run can report group sizes by operation.
/// </summary>
internal sealed class CommitGroupListener : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly Lock _gate = new();
    private readonly Dictionary<string, List<int>> _sizes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<double>> _seconds = new(StringComparer.Ordinal);

    public CommitGroupListener()
    {
        _listener.InstrumentPublished = static (instrument, listener) =>
        {
            if (instrument.Meter.Name == PostgreSqlTelemetry.MeterName
                && instrument.Name is PostgreSqlTelemetry.CommitSizeInstrument or PostgreSqlTelemetry.CommitDurationInstrument)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<int>((_, value, tags, _) => Add(_sizes, Operation(tags), value));
        _listener.SetMeasurementEventCallback<double>((_, value, tags, _) => Add(_seconds, Operation(tags), value));
        _listener.Start();
    }

    /// <summary>Forgets what was measured so far (e.g. the warm-up).</summary>
    public void Reset()
    {
        lock (_gate)
        {
            _sizes.Clear();
            _seconds.Clear();
        }
    }

    /// <summary>The commits of one operation since the last reset: how many, rows per commit and milliseconds per commit.</summary>
    public CommitSummary Summary(string operation)
    {
        int[] sizes;
        double[] seconds;
        lock (_gate)
        {
            sizes = _sizes.TryGetValue(operation, out var s) ? [.. s] : [];
            seconds = _seconds.TryGetValue(operation, out var d) ? [.. d] : [];
        }

        Array.Sort(sizes);
        Array.Sort(seconds);
        return sizes.Length == 0
            ? new CommitSummary(0, 0, double.NaN, 0, 0, 0, double.NaN, double.NaN, double.NaN)
            : new CommitSummary(
                sizes.Length,
                sizes.Sum(static s => (long)s),
                sizes.Average(),
                Percentile(sizes, 0.50),
                Percentile(sizes, 0.99),
                sizes[^1],
                seconds.Length == 0 ? double.NaN : seconds.Average() * 1000,
                seconds.Length == 0 ? double.NaN : Percentile(seconds, 0.50) * 1000,
                seconds.Length == 0 ? double.NaN : Percentile(seconds, 0.99) * 1000);
    }

    public void Dispose() => _listener.Dispose();

    /// <summary>The value at <paramref name="quantile"/> of sorted values (nearest rank).</summary>
    public static T Percentile<T>(T[] sorted, double quantile) =>
        sorted[Math.Clamp((int)Math.Ceiling(quantile * sorted.Length) - 1, 0, sorted.Length - 1)];

    private static string Operation(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == "operation" && tag.Value is string operation)
            {
                return operation;
            }
        }

        return "";
    }

    private void Add<T>(Dictionary<string, List<T>> byOperation, string operation, T value)
    {
        lock (_gate)
        {
            if (!byOperation.TryGetValue(operation, out var values))
            {
                byOperation[operation] = values = [];
            }

            values.Add(value);
        }
    }
}

/// <summary>Grouped commits of one operation: how many, rows in all, rows per commit (mean, p50, p99, max) and milliseconds per commit (mean, p50, p99).</summary>
internal readonly record struct CommitSummary(int Commits, long Rows, double MeanSize, int P50Size, int P99Size, int MaxSize, double MeanMs, double P50Ms, double P99Ms);
