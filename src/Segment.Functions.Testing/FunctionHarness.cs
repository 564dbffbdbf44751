using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Segment.Functions.Authoring.Internal;
using Segment.Functions.Caching.Internal;
using Segment.Functions.Dispatch.Internal;
using Segment.Functions.Events.Internal;
using Segment.Functions.Hosting;
using Segment.Functions.Hosting.Internal;
using Segment.Functions.Http.Internal;

namespace Segment.Functions.Testing;

/// <summary>
/// Runs a destination function's handlers in memory, exactly as the host does (same dispatch, same
/// error mapping, same timeout, same log and HTTP capture), with a scripted <see cref="Http"/> and a
/// fake clock (<see cref="Time"/>) in place of the network and the real time.
/// </summary>
/// <typeparam name="TFunction">The function under test.</typeparam>
/// <typeparam name="TSettings">Its settings class.</typeparam>
/// <example>
/// <code>
/// using var harness = new FunctionHarness&lt;AcmeFunction, AcmeSettings&gt;(new AcmeSettings { ApiKey = "k", Endpoint = "https://acme.test/api" });
/// harness.Http.On(HttpMethod.Post, "https://acme.test/api").Respond(HttpStatusCode.OK);
/// var run = await harness.RunAsync(SampleEvents.Track());
/// Assert.That(run.Outcome, Is.EqualTo(OutcomeKind.Delivered));
/// </code>
/// </example>
/// <remarks>
/// The invocation timeout runs on <see cref="Time"/>: a handler that waits forever times out only when
/// the test advances the clock past <see cref="InvocationOptions.Timeout"/>. As a safety net, a run
/// that has not finished after 30 s of real time fails with a message saying so.
/// </remarks>
public class FunctionHarness<TFunction, TSettings> : IDisposable
    where TFunction : class, IDestinationFunction<TSettings>
{
    private static readonly TimeSpan Watchdog = TimeSpan.FromSeconds(30);
    private readonly ServiceProvider _services;
    private readonly FunctionCacheFactory _caches;
    private readonly HttpClient _httpClient;
    private readonly FunctionInvoker<TSettings> _invoker;

    /// <summary>Creates the harness and the function, bound exactly as the host binds a destination.</summary>
    /// <param name="settings">The settings to run with (the editor's test settings).</param>
    /// <exception cref="InvalidSettings">
    /// A required setting is missing, as the host refuses to start such a destination; the message
    /// names the setting.
    /// </exception>
    public FunctionHarness(TSettings settings)
        : this(settings, createFunction: null)
    {
    }

    /// <summary>Creates the harness and the function with other timeout and capture limits.</summary>
    /// <param name="settings">The settings to run with (the editor's test settings).</param>
    /// <param name="options">Timeout and capture limits.</param>
    /// <exception cref="InvalidSettings">A required setting is missing; the message names it.</exception>
    public FunctionHarness(TSettings settings, InvocationOptions options)
        : this(settings, createFunction: null, options)
    {
    }

    /// <summary>Creates the harness and the function, bound exactly as the host binds a destination.</summary>
    /// <param name="settings">The settings to run with (the editor's test settings).</param>
    /// <param name="createFunction">Creates the function; by default it is built with its constructor's services resolved from a small container holding <see cref="TimeProvider"/>.</param>
    /// <exception cref="InvalidSettings">
    /// A required setting is missing, as the host refuses to start such a destination; the message
    /// names the setting.
    /// </exception>
    public FunctionHarness(TSettings settings, Func<IServiceProvider, TFunction>? createFunction)
        : this(settings, createFunction, options: null)
    {
    }

    /// <summary>Creates the harness and the function, bound exactly as the host binds a destination.</summary>
    /// <param name="settings">The settings to run with (the editor's test settings).</param>
    /// <param name="createFunction">Creates the function; by default it is built with its constructor's services resolved from a small container holding <see cref="TimeProvider"/>.</param>
    /// <param name="options">Timeout and capture limits; the host's defaults when null.</param>
    /// <exception cref="OptionsValidationException">An option is out of its documented range; the message names it.</exception>
    /// <exception cref="InvalidSettings">
    /// A required setting is missing, as the host refuses to start such a destination; the message
    /// names the setting.
    /// </exception>
    public FunctionHarness(TSettings settings, Func<IServiceProvider, TFunction>? createFunction, InvocationOptions? options)
    {
        Settings = settings;
        Options = options ?? new InvocationOptions();
        if (new InvocationOptionsValidator().Validate(null, Options) is { Failed: true } invalid)
        {
            throw new OptionsValidationException(Microsoft.Extensions.Options.Options.DefaultName, typeof(InvocationOptions), invalid.Failures);
        }

        _services = new ServiceCollection().AddSingleton<TimeProvider>(Time).BuildServiceProvider();
        _httpClient = new HttpClient(new CapturingHttpHandler(Http));
        _caches = new FunctionCacheFactory(new FunctionCacheOptions(), Time);
        try
        {
            Function = createFunction?.Invoke(_services) ?? ActivatorUtilities.CreateInstance<TFunction>(_services);
            _invoker = FunctionBinding.Bind(
                HarnessDestination, Function, settings, _httpClient, _caches.Create(), NullLogger.Instance, Options, Time);
            _invoker.ValidateSettings();
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The destination name a harness-bound function sees in its <see cref="FunctionContext"/>.</summary>
    public const string HarnessDestination = "(harness)";

    /// <summary>The function under test (one instance for every run, as in the host).</summary>
    public TFunction Function { get; }

    /// <summary>Whether the host would send this function batches: true when it defines <c>OnBatch</c>.</summary>
    public bool SupportsBatching => _invoker.SupportsBatching;

    /// <summary>The settings every run gets.</summary>
    public TSettings Settings { get; }

    /// <summary>The invocation timeout and capture limits.</summary>
    public InvocationOptions Options { get; }

    /// <summary>The fake network: script responses with <see cref="FakeHttpHandler.On(HttpMethod, string)"/>.</summary>
    public FakeHttpHandler Http { get; } = new();

    /// <summary>The fake clock: advance it to expire cache entries or to make a hung handler time out.</summary>
    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    /// <summary>Runs the handler for the event's type.</summary>
    /// <param name="event">The event, e.g. <see cref="SampleEvents.Track"/>.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <exception cref="UnmatchedRequestException">The function made a request no route matches.</exception>
    public async Task<FunctionRun> RunAsync(SegmentEvent @event, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(@event);
        var report = await WithWatchdog(_invoker.InvokeAsync(@event, cancellationToken)).ConfigureAwait(false);
        return Run([@event], report.Outcomes, report);
    }

    /// <summary>Runs <c>OnBatch</c> with the events and shows one status per event.</summary>
    /// <param name="events">The batch; may mix types.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <exception cref="UnmatchedRequestException">The function made a request no route matches.</exception>
    public async Task<FunctionRun> RunBatchAsync(IReadOnlyList<SegmentEvent> events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0)
        {
            throw new ArgumentException("A batch needs at least one event.", nameof(events));
        }

        var report = await WithWatchdog(_invoker.InvokeBatchAsync(events, cancellationToken)).ConfigureAwait(false);
        return Run(events, report.Outcomes, report);
    }

    /// <summary>
    /// Runs raw JSON, like the editor's manual mode: an object runs its single-event handler, an array
    /// runs <c>OnBatch</c>. Input that is not a valid event is shown as discarded with "Bad Request".
    /// </summary>
    /// <param name="json">One event, or a JSON array of events.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    public async Task<FunctionRun> RunJsonAsync(string json, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(json);
        var run = await JsonRun.RunAsync(
            Encoding.UTF8.GetBytes(json),
            EventParseOptions.Default,
            e => WithWatchdog(_invoker.InvokeAsync(e, cancellationToken)),
            events => WithWatchdog(_invoker.InvokeBatchAsync(events, cancellationToken))).ConfigureAwait(false);
        return Run(run.Events, run.Outcomes, run.Report);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases the HTTP client, cache and services.</summary>
    /// <param name="disposing">True when called from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            _httpClient.Dispose();
            _caches.Dispose();
            (Function as IDisposable)?.Dispose();
            _services.Dispose();
        }
    }

    private FunctionRun Run(IReadOnlyList<SegmentEvent> events, IReadOnlyList<EventOutcome> outcomes, InvocationReport? report)
    {
        var unmatched = Http.TakeUnmatched();
        if (unmatched.Count > 0)
        {
            // The request may carry the key: redact it like every other captured text.
            throw new UnmatchedRequestException(_invoker.Redactor.Redact(string.Join("\n\n", unmatched)), []);
        }

        var capture = report?.Capture;
        return new FunctionRun(
            events,
            outcomes,
            capture?.FormatLogs() ?? "",
            capture?.Logs ?? [],
            capture?.DroppedLogBytes > 0,
            capture?.HttpTraces ?? [],
            report?.Duration ?? TimeSpan.Zero);
    }

    private static async Task<InvocationReport> WithWatchdog(ValueTask<InvocationReport> run)
    {
        try
        {
            // Real time on purpose: the only wait here that is not on the fake clock, a guard against a test that hangs.
            return await run.AsTask().WaitAsync(Watchdog, TimeProvider.System).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException(
                $"The handler had not finished after {Watchdog.TotalSeconds} s of real time. If it waits on the harness clock, advance harness.Time (past Options.Timeout to make it time out).");
        }
    }
}

/// <summary>The harness for a function with untyped settings (<see cref="DestinationFunction"/>).</summary>
/// <typeparam name="TFunction">The function under test.</typeparam>
public sealed class FunctionHarness<TFunction> : FunctionHarness<TFunction, FunctionSettings>
    where TFunction : DestinationFunction
{
    /// <summary>Creates the harness and the function.</summary>
    /// <param name="settings">The settings to run with; mark secrets with <c>encrypted: true</c>.</param>
    public FunctionHarness(FunctionSettings settings)
        : this(settings, createFunction: null)
    {
    }

    /// <summary>Creates the harness and the function.</summary>
    /// <param name="settings">The settings to run with; mark secrets with <c>encrypted: true</c>.</param>
    /// <param name="createFunction">Creates the function; by default its constructor is used.</param>
    public FunctionHarness(FunctionSettings settings, Func<IServiceProvider, TFunction>? createFunction)
        : this(settings, createFunction, options: null)
    {
    }

    /// <summary>Creates the harness and the function.</summary>
    /// <param name="settings">The settings to run with; mark secrets with <c>encrypted: true</c>.</param>
    /// <param name="createFunction">Creates the function; by default its constructor is used.</param>
    /// <param name="options">Timeout and capture limits; the host's defaults when null.</param>
    public FunctionHarness(FunctionSettings settings, Func<IServiceProvider, TFunction>? createFunction, InvocationOptions? options)
        : base(settings, createFunction, options)
    {
    }
}
