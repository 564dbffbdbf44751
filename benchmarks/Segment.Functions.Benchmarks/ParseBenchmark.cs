using System.Text.Json;
using BenchmarkDotNet.Attributes;

namespace Segment.Functions.Benchmarks;

/// <summary>
/// Parsing one track event (the shared 1,150-byte fixture) into <see cref="TrackEvent"/> against the
/// floor System.Text.Json itself sets: <see cref="JsonDocument.Parse(ReadOnlyMemory{byte}, JsonDocumentOptions)"/>
/// on the same bytes plus a lookup of <c>type</c>.
/// </summary>
[MemoryDiagnoser]
public class ParseBenchmark
{
    private byte[] _track = [];

    [GlobalSetup]
    public void Setup() => _track = BenchmarkFixtures.Event("track.json");

    [Benchmark(Baseline = true)]
    public JsonValueKind JsonDocumentParse()
    {
        using var document = JsonDocument.Parse(_track);
        return document.RootElement.GetProperty("type").ValueKind;
    }

    [Benchmark]
    public int ParseTrackReadEventAndUserId()
    {
        var track = (TrackEvent)SegmentEvent.Parse(_track);
        return track.Event.Length + track.UserId!.Length;
    }

    [Benchmark]
    public int ParseTrackReadEventUserIdAndOneProperty()
    {
        var track = (TrackEvent)SegmentEvent.Parse(_track);
        return track.Event.Length + track.UserId!.Length + (track.Properties["sku"]?.GetValue<string>().Length ?? 0);
    }
}
