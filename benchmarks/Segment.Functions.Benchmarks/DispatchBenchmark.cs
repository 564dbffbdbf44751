using BenchmarkDotNet.Attributes;
using Segment.Functions.Dispatch.Internal;
using Segment.Functions.Hosting;
using Segment.Functions.Settings.Internal;

namespace Segment.Functions.Benchmarks;

/// <summary>
/// One parsed <see cref="TrackEvent"/> to a no-op handler through the real invocation path,
/// <see cref="FunctionInvoker{TSettings}.InvokeAsync"/> (capture scope, invocation timeout on
/// <see cref="TimeProvider.System"/>, outcome, report), against calling the handler directly.
/// </summary>
/// <remarks>
/// The host always passes a cancellable token (its stop token), which the invoker links to the timeout;
/// <see cref="InvokeAsyncWithHostToken"/> is that case, <see cref="InvokeAsync"/> the uncancellable one.
/// </remarks>
[MemoryDiagnoser]
public class DispatchBenchmark
{
    private readonly CancellationTokenSource _hostStopping = new();
    private IDestinationFunction<NoopSettings> _function = null!;
    private NoopSettings _settings = null!;
    private FunctionInvoker<NoopSettings> _invoker = null!;
    private TrackEvent _track = null!;

    [GlobalSetup]
    public void Setup()
    {
        _track = (TrackEvent)SegmentEvent.Parse(BenchmarkFixtures.Event("track.json"));
        _function = new NoopFunction();
        _settings = new NoopSettings();
        _invoker = new FunctionInvoker<NoopSettings>(_function, _settings, new InvocationOptions(), SecretRedactor.None, TimeProvider.System, supportsBatching: false, validateSettings: static () => { });
    }

    [GlobalCleanup]
    public void Cleanup() => _hostStopping.Dispose();

    [Benchmark(Baseline = true)]
    public bool CallHandlerDirectly()
    {
        var task = _function.OnTrack(_track, _settings, CancellationToken.None);
        task.GetAwaiter().GetResult();
        return task.IsCompletedSuccessfully;
    }

    [Benchmark]
    public OutcomeKind InvokeAsync() =>
        _invoker.InvokeAsync(_track, CancellationToken.None).GetAwaiter().GetResult().Outcome.Kind;

    [Benchmark]
    public OutcomeKind InvokeAsyncWithHostToken() =>
        _invoker.InvokeAsync(_track, _hostStopping.Token).GetAwaiter().GetResult().Outcome.Kind;
}
