namespace Segment.Functions;

/// <summary>
/// A destination function: one handler per Segment message type, and optionally a batch handler.
/// Most functions derive from <see cref="DestinationFunction{TSettings}"/> instead of implementing this.
/// </summary>
/// <typeparam name="TSettings">The settings the function is given with every event.</typeparam>
/// <remarks>
/// One instance serves every event of a destination, and handlers may run concurrently on it:
/// fields act like the global variables of the original runtime (a cached token, say) and must be thread-safe.
/// </remarks>
public interface IDestinationFunction<in TSettings>
{
    /// <summary>
    /// Called once by the host (or the test harness), before the first event, with the destination's
    /// HTTP client, cache and log. The default does nothing; keep the context to use them.
    /// </summary>
    /// <param name="context">The destination's runtime services.</param>
    void Initialize(FunctionContext context)
    {
    }

    /// <summary>Handles a <c>track</c> event.</summary>
    /// <param name="event">The event.</param>
    /// <param name="settings">The destination's settings.</param>
    /// <param name="cancellationToken">Cancelled at the invocation timeout or when the host stops.</param>
    Task OnTrack(TrackEvent @event, TSettings settings, CancellationToken cancellationToken);

    /// <summary>Handles an <c>identify</c> event.</summary>
    /// <inheritdoc cref="OnTrack"/>
    Task OnIdentify(IdentifyEvent @event, TSettings settings, CancellationToken cancellationToken);

    /// <summary>Handles a <c>page</c> event.</summary>
    /// <inheritdoc cref="OnTrack"/>
    Task OnPage(PageEvent @event, TSettings settings, CancellationToken cancellationToken);

    /// <summary>Handles a <c>screen</c> event.</summary>
    /// <inheritdoc cref="OnTrack"/>
    Task OnScreen(ScreenEvent @event, TSettings settings, CancellationToken cancellationToken);

    /// <summary>Handles a <c>group</c> event.</summary>
    /// <inheritdoc cref="OnTrack"/>
    Task OnGroup(GroupEvent @event, TSettings settings, CancellationToken cancellationToken);

    /// <summary>Handles an <c>alias</c> event.</summary>
    /// <inheritdoc cref="OnTrack"/>
    Task OnAlias(AliasEvent @event, TSettings settings, CancellationToken cancellationToken);

    /// <summary>Handles a <c>delete</c> event.</summary>
    /// <inheritdoc cref="OnTrack"/>
    Task OnDelete(DeleteEvent @event, TSettings settings, CancellationToken cancellationToken);

    /// <summary>Handles a batch of events of any types.</summary>
    /// <param name="events">The events, in the order their statuses are expected.</param>
    /// <param name="settings">The destination's settings.</param>
    /// <param name="cancellationToken">Cancelled at the invocation timeout or when the host stops.</param>
    /// <returns><see cref="BatchResult.Delivered"/>, or one <see cref="EventStatus"/> per event.</returns>
    /// <remarks>
    /// Defining this method opts the function into batching, as defining <c>onBatch</c> does in the
    /// original runtime: a class that implements it (or overrides it in
    /// <see cref="DestinationFunction{TSettings}"/>) is sent batches; one that leaves this default is
    /// sent single events only.
    /// </remarks>
    Task<BatchResult> OnBatch(IReadOnlyList<SegmentEvent> events, TSettings settings, CancellationToken cancellationToken) =>
        Task.FromException<BatchResult>(new EventNotSupported("batch is not supported"));
}
