using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Segment.Functions.Hosting;
using Segment.Functions.JavaScript.Internal;

namespace Segment.Functions.JavaScript;

/// <summary>
/// A destination function written in JavaScript for Segment's original runtime, run unmodified on the
/// Jint interpreter. To the host it is a <see cref="DestinationFunction"/> like any other: its
/// <c>fetch</c> goes through the destination's <see cref="HttpClient"/>, <c>cache</c> is the destination's
/// cache, <c>console</c> writes the invocation's logs, and the host's batching, retries, timeout,
/// records and redaction apply unchanged.
/// </summary>
/// <remarks>
/// <para>
/// Register it with <c>AddJavaScriptDestination</c>, or test it with
/// <c>new FunctionHarness&lt;JavaScriptFunction&gt;(settings, JavaScriptFunction.Factory(source))</c>.
/// </para>
/// <para>
/// Engines: one Jint engine runs one invocation at a time; the function keeps a pool of up to the host's
/// <c>MaxConcurrency</c> engines, created when needed. Each engine runs the source once and keeps its
/// module-level state (top-level variables, and globals made by assigning undeclared names) for every
/// later invocation it serves; engines share nothing but the destination's <c>cache</c>. The most
/// recently used engine serves the next invocation, so at low volume one warm engine handles everything.
/// An engine whose invocation timed out, broke a limit, or threw outside the handler's promise (in
/// top-level code or a timer) is replaced, and its module state starts over.
/// </para>
/// <para>
/// Not sealed only because a source that defines <c>onBatch</c> gets an internal subclass that
/// overrides <see cref="DestinationFunction{TSettings}.OnBatch"/> (the host decides batching by that
/// override); its constructor is not public, so it cannot be derived from elsewhere.
/// </para>
/// </remarks>
public class JavaScriptFunction : DestinationFunction, IDisposable
{
    private readonly ScriptSource _source;
    private readonly EnginePool _pool;
    private SettingsSnapshot? _settings;

    private protected JavaScriptFunction(ScriptSource source, JavaScriptOptions options, TimeProvider time, int maxEngines)
    {
        _source = source;
        // Http, Cache and Logger are read when the first engine is made, after the host attached them.
        _pool = new EnginePool(maxEngines, () => new ScriptEngine(source, new ScriptServices(Http, Cache, Logger, time, options)));
    }

    /// <summary>The handlers the source defines at its top level (<c>onTrack</c> … <c>onBatch</c>).</summary>
    public IReadOnlyList<string> Handlers => _source.Handlers;

    /// <summary>Whether the source defines <c>onBatch</c>, so the host sends it batches.</summary>
    public bool SupportsBatching => _source.DefinesBatch;

    /// <summary>The most engines this function runs at once (the host's <c>MaxConcurrency</c>).</summary>
    public int MaxEngines => _pool.Size;

    internal int EnginesCreated => _pool.Created;

    /// <summary>
    /// Checks and prepares a source now and returns what makes the function from a service provider:
    /// the host's (<see cref="TimeProvider"/> and <c>MaxConcurrency</c> come from it) or a harness's.
    /// </summary>
    /// <param name="source">The function's JavaScript, as written for Segment.</param>
    /// <returns>A factory for <c>FunctionHarness</c> or <c>AddDestination</c>; each call makes a new instance.</returns>
    /// <exception cref="JavaScriptSourceException">The source does not parse, or uses a global this runtime lacks (the message names it).</exception>
    /// <example>
    /// <code>
    /// using var harness = new FunctionHarness&lt;JavaScriptFunction&gt;(settings, JavaScriptFunction.Factory(File.ReadAllText("acme.js")));
    /// </code>
    /// </example>
    public static Func<IServiceProvider, JavaScriptFunction> Factory(string source) => Factory(source, options: null);

    /// <summary>
    /// Checks and prepares a source with its limits now and returns what makes the function from a service provider:
    /// the host's (<see cref="TimeProvider"/> and <c>MaxConcurrency</c> come from it) or a harness's.
    /// </summary>
    /// <param name="source">The function's JavaScript, as written for Segment.</param>
    /// <param name="options">Limits; the defaults when null.</param>
    /// <returns>A factory for <c>FunctionHarness</c> or <c>AddDestination</c>; each call makes a new instance.</returns>
    /// <exception cref="JavaScriptSourceException">The source does not parse, or uses a global this runtime lacks (the message names it).</exception>
    /// <exception cref="ArgumentOutOfRangeException">A limit in <paramref name="options"/> is out of range.</exception>
    /// <example>
    /// <code>
    /// using var harness = new FunctionHarness&lt;JavaScriptFunction&gt;(settings, JavaScriptFunction.Factory(File.ReadAllText("acme.js")));
    /// </code>
    /// </example>
    public static Func<IServiceProvider, JavaScriptFunction> Factory(string source, JavaScriptOptions? options)
    {
        ArgumentNullException.ThrowIfNull(source);
        var limits = (options ?? new JavaScriptOptions()).Copy();
        limits.Validate();
        var script = ScriptSource.Load(source, limits.FileName);
        return services =>
        {
            ArgumentNullException.ThrowIfNull(services);
            var time = services.GetService<TimeProvider>() ?? TimeProvider.System;
            var concurrency = services.GetService<IOptions<SegmentFunctionsOptions>>()?.Value.MaxConcurrency ?? new SegmentFunctionsOptions().MaxConcurrency;
            return script.DefinesBatch
                ? new BatchingJavaScriptFunction(script, limits, time, Math.Max(1, concurrency))
                : new JavaScriptFunction(script, limits, time, Math.Max(1, concurrency));
        };
    }

    /// <inheritdoc/>
    public override Task OnTrack(TrackEvent @event, FunctionSettings settings, CancellationToken cancellationToken) => RunAsync("onTrack", @event, settings, cancellationToken);

    /// <inheritdoc/>
    public override Task OnIdentify(IdentifyEvent @event, FunctionSettings settings, CancellationToken cancellationToken) => RunAsync("onIdentify", @event, settings, cancellationToken);

    /// <inheritdoc/>
    public override Task OnPage(PageEvent @event, FunctionSettings settings, CancellationToken cancellationToken) => RunAsync("onPage", @event, settings, cancellationToken);

    /// <inheritdoc/>
    public override Task OnScreen(ScreenEvent @event, FunctionSettings settings, CancellationToken cancellationToken) => RunAsync("onScreen", @event, settings, cancellationToken);

    /// <inheritdoc/>
    public override Task OnGroup(GroupEvent @event, FunctionSettings settings, CancellationToken cancellationToken) => RunAsync("onGroup", @event, settings, cancellationToken);

    /// <inheritdoc/>
    public override Task OnAlias(AliasEvent @event, FunctionSettings settings, CancellationToken cancellationToken) => RunAsync("onAlias", @event, settings, cancellationToken);

    /// <inheritdoc/>
    public override Task OnDelete(DeleteEvent @event, FunctionSettings settings, CancellationToken cancellationToken) => RunAsync("onDelete", @event, settings, cancellationToken);

    /// <summary>Releases the engines.</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases the engines.</summary>
    /// <param name="disposing">True when called from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            _pool.Dispose();
        }
    }

    /// <summary>
    /// Runs <c>onBatch(events, settings)</c>. What it resolves to is a status list only when it is a
    /// non-empty array whose every element is an object with a numeric <c>status</c>; anything else
    /// (nothing, <c>Promise.all</c>'s results, …) counts as every event delivered.
    /// </summary>
    private protected Task<BatchResult> RunBatchAsync(IReadOnlyList<SegmentEvent> events, FunctionSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        var json = JsonSerializer.SerializeToUtf8Bytes(events);
        return _pool.RunAsync(engine => engine.RunAsync("onBatch", "batch is not supported", json, SettingsFor(settings), BatchStatuses.Read, cancellationToken), cancellationToken);
    }

    private Task RunAsync(string handler, SegmentEvent @event, FunctionSettings settings, CancellationToken cancellationToken)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(@event);
        return _pool.RunAsync(engine => engine.RunAsync(handler, $"{@event.Type} is not supported", json, SettingsFor(settings), static _ => true, cancellationToken), cancellationToken);
    }

    // The settings object is the same for every invocation of a destination: written as JSON once.
    private string SettingsFor(FunctionSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var snapshot = Volatile.Read(ref _settings);
        if (snapshot is null || !ReferenceEquals(snapshot.Settings, settings))
        {
            snapshot = new SettingsSnapshot(settings, SettingsJson.Write(settings));
            Volatile.Write(ref _settings, snapshot);
        }

        return snapshot.Json;
    }

    private sealed record SettingsSnapshot(FunctionSettings Settings, string Json);
}
