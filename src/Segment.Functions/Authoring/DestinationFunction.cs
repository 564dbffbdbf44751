using Microsoft.Extensions.Logging;

namespace Segment.Functions;

/// <summary>
/// The base class of a destination function. Override the handlers you need; a type without an
/// override is discarded with <see cref="EventNotSupported"/> ("alias is not supported"). Override
/// <see cref="OnBatch"/> to opt into batching; the single-event handlers remain the fallback.
/// </summary>
/// <typeparam name="TSettings">A settings class whose properties carry <see cref="SettingAttribute"/>.</typeparam>
/// <remarks>
/// The host creates one instance per destination (through dependency injection, so the constructor
/// may take services) and gives it <see cref="Http"/>, <see cref="Cache"/> and <see cref="Logger"/>
/// before the first event. Handlers may run concurrently on that one instance.
/// </remarks>
public abstract class DestinationFunction<TSettings> : IDestinationFunction<TSettings>
{
    private FunctionContext? _context;

    /// <summary>The HTTP client for calls to the destination's API (the original <c>fetch</c>); requests are traced per invocation.</summary>
    /// <exception cref="InvalidOperationException">Read before the host or the harness set the function up (e.g. in the constructor).</exception>
    protected HttpClient Http => Runtime.Http;

    /// <summary>The destination's cache (the original <c>cache</c>): <see cref="FunctionCache.LoadAsync{T}(string, TimeSpan?, Func{Task{T}}, CancellationToken)"/> and <see cref="FunctionCache.Delete"/>.</summary>
    /// <exception cref="InvalidOperationException">Read before the host or the harness set the function up.</exception>
    protected FunctionCache Cache => Runtime.Cache;

    /// <summary>The log (the original <c>console.log</c>): lines are kept with the invocation, secrets redacted.</summary>
    /// <exception cref="InvalidOperationException">Read before the host or the harness set the function up.</exception>
    protected ILogger Logger => Runtime.Logger;

    private FunctionContext Runtime => _context ?? throw new InvalidOperationException(
        $"{GetType().Name}: Http, Cache and Logger are available once the function runs under AddSegmentFunctions() or a FunctionHarness, not in its constructor.");

    /// <inheritdoc/>
    public virtual Task OnTrack(TrackEvent @event, TSettings settings, CancellationToken cancellationToken) => NotSupported(@event);

    /// <inheritdoc/>
    public virtual Task OnIdentify(IdentifyEvent @event, TSettings settings, CancellationToken cancellationToken) => NotSupported(@event);

    /// <inheritdoc/>
    public virtual Task OnPage(PageEvent @event, TSettings settings, CancellationToken cancellationToken) => NotSupported(@event);

    /// <inheritdoc/>
    public virtual Task OnScreen(ScreenEvent @event, TSettings settings, CancellationToken cancellationToken) => NotSupported(@event);

    /// <inheritdoc/>
    public virtual Task OnGroup(GroupEvent @event, TSettings settings, CancellationToken cancellationToken) => NotSupported(@event);

    /// <inheritdoc/>
    public virtual Task OnAlias(AliasEvent @event, TSettings settings, CancellationToken cancellationToken) => NotSupported(@event);

    /// <inheritdoc/>
    public virtual Task OnDelete(DeleteEvent @event, TSettings settings, CancellationToken cancellationToken) => NotSupported(@event);

    /// <inheritdoc/>
    public virtual Task<BatchResult> OnBatch(IReadOnlyList<SegmentEvent> events, TSettings settings, CancellationToken cancellationToken) =>
        Task.FromException<BatchResult>(new EventNotSupported("batch is not supported"));

    /// <inheritdoc/>
    void IDestinationFunction<TSettings>.Initialize(FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (Interlocked.CompareExchange(ref _context, context, null) is not null)
        {
            throw new InvalidOperationException(
                $"This {GetType().Name} instance already serves a destination; register each destination with its own instance (the host creates one per destination).");
        }
    }

    private static Task NotSupported(SegmentEvent @event) =>
        Task.FromException(new EventNotSupported($"{@event.Type} is not supported"));
}

/// <summary>
/// A destination function with untyped settings (<see cref="FunctionSettings"/>), like the original
/// <c>settings</c> object. Prefer <see cref="DestinationFunction{TSettings}"/> with a settings class.
/// </summary>
public abstract class DestinationFunction : DestinationFunction<FunctionSettings>
{
}
