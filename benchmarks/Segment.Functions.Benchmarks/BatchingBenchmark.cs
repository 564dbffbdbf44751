using BenchmarkDotNet.Attributes;
using Segment.Functions.Dispatch.Internal;
using Segment.Functions.Hosting;
using Segment.Functions.Settings.Internal;

namespace Segment.Functions.Benchmarks;

/// <summary>
/// A batch of parsed track events to a no-op <c>OnBatch</c> through
/// <see cref="FunctionInvoker{TSettings}.InvokeBatchAsync"/> (capture scope, timeout, one outcome per
/// event), against calling <c>OnBatch</c> directly. Times are per batch.
/// </summary>
[MemoryDiagnoser]
public class BatchingBenchmark
{
    private readonly CancellationTokenSource _hostStopping = new();
    private IDestinationFunction<NoopSettings> _function = null!;
    private NoopSettings _settings = null!;
    private FunctionInvoker<NoopSettings> _invoker = null!;
    private SegmentEvent[] _events = [];

    [Params(20, 400)]
    public int BatchSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var json = BenchmarkFixtures.Event("track.json");
        _events = Enumerable.Range(0, BatchSize).Select(_ => SegmentEvent.Parse(json)).ToArray();
        _function = new NoopBatchFunction();
        _settings = new NoopSettings();
        _invoker = new FunctionInvoker<NoopSettings>(_function, _settings, new InvocationOptions(), SecretRedactor.None, TimeProvider.System, supportsBatching: true, validateSettings: static () => { });
    }

    [GlobalCleanup]
    public void Cleanup() => _hostStopping.Dispose();

    [Benchmark(Baseline = true)]
    public BatchResult CallOnBatchDirectly() =>
        _function.OnBatch(_events, _settings, CancellationToken.None).GetAwaiter().GetResult();

    [Benchmark]
    public int InvokeBatchAsync() =>
        _invoker.InvokeBatchAsync(_events, _hostStopping.Token).GetAwaiter().GetResult().Outcomes.Count;
}
