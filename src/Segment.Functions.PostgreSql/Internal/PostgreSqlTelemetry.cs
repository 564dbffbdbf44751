using System.Diagnostics.Metrics;

namespace Segment.Functions.PostgreSql.Internal;

/// <summary>The package's metrics: the size and duration of every grouped commit, by operation (enqueue, complete).</summary>
internal sealed class PostgreSqlTelemetry
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "Segment.Functions.PostgreSql";

    /// <summary>The rows committed per group.</summary>
    public const string CommitSizeInstrument = "segment.functions.postgresql.commit.size";

    /// <summary>How long each grouped commit took.</summary>
    public const string CommitDurationInstrument = "segment.functions.postgresql.commit.duration";

    private readonly Histogram<int> _size;
    private readonly Histogram<double> _duration;

    public PostgreSqlTelemetry(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        _size = meter.CreateHistogram<int>(CommitSizeInstrument, "{row}", "Rows per grouped commit, by operation (enqueue, complete).");
        _duration = meter.CreateHistogram<double>(CommitDurationInstrument, "s", "Duration of grouped commits, by operation (enqueue, complete).");
    }

    public void RecordCommit(string operation, int rows, TimeSpan duration)
    {
        var tag = new KeyValuePair<string, object?>("operation", operation);
        _size.Record(rows, tag);
        _duration.Record(duration.TotalSeconds, tag);
    }
}
