using Segment.Functions.Delivery;

namespace Segment.Functions.Hosting;

/// <summary>
/// The entry point of the host: hand it Segment events and it routes each to the registered
/// destinations, which deliver, batch and retry them in the background. Resolve it from DI after
/// <c>services.AddSegmentFunctions()</c>. Thread-safe.
/// </summary>
/// <remarks>
/// Invalid input is answered with <see cref="SendStatus.Invalid"/> and a reason, and a cancelled wait
/// for room with <see cref="SendStatus.Cancelled"/>: the methods throw only for a null argument.
/// The outcome of each event at each destination is then found in the <see cref="IDeliveryStore"/>.
/// Events are delivered while the host runs (its hosted service starts with the application);
/// events sent before it starts wait in the queues.
/// </remarks>
public interface ISegmentFunctions
{
    /// <summary>The names of the registered destinations, in registration order.</summary>
    IReadOnlyList<string> Destinations { get; }

    /// <summary>Routes a typed event to the destinations its <c>integrations</c> object and their filters allow, and queues it.</summary>
    /// <param name="event">The event.</param>
    /// <param name="cancellationToken">Stops waiting for room in a full queue (see <see cref="SegmentFunctionsOptions.FullMode"/>); the answer is then <see cref="SendStatus.Cancelled"/>.</param>
    ValueTask<SendResult> SendAsync(SegmentEvent @event, CancellationToken cancellationToken = default);

    /// <summary>Parses one event from UTF-8 JSON (once), then routes and queues it like <see cref="SendAsync(SegmentEvent, CancellationToken)"/>.</summary>
    /// <param name="utf8Json">One event as UTF-8 JSON.</param>
    /// <param name="cancellationToken">Stops waiting for room in a full queue.</param>
    ValueTask<SendResult> SendAsync(ReadOnlyMemory<byte> utf8Json, CancellationToken cancellationToken = default);

    /// <summary>Routes a typed event like <see cref="SendAsync(SegmentEvent, CancellationToken)"/>, within the limits of <paramref name="options"/>.</summary>
    /// <param name="event">The event.</param>
    /// <param name="options">Which destinations the send may reach.</param>
    /// <param name="cancellationToken">Stops waiting for room in a full queue; the answer is then <see cref="SendStatus.Cancelled"/>.</param>
    ValueTask<SendResult> SendAsync(SegmentEvent @event, SendOptions options, CancellationToken cancellationToken = default);

    /// <summary>Parses one event from UTF-8 JSON (once), then routes it like <see cref="SendAsync(SegmentEvent, SendOptions, CancellationToken)"/>.</summary>
    /// <param name="utf8Json">One event as UTF-8 JSON.</param>
    /// <param name="options">Which destinations the send may reach.</param>
    /// <param name="cancellationToken">Stops waiting for room in a full queue.</param>
    ValueTask<SendResult> SendAsync(ReadOnlyMemory<byte> utf8Json, SendOptions options, CancellationToken cancellationToken = default);

    /// <summary>Sends several typed events; each gets its own result.</summary>
    /// <param name="events">The events.</param>
    /// <param name="cancellationToken">Stops waiting for room in a full queue; the event being sent and those after it are answered <see cref="SendStatus.Cancelled"/>.</param>
    ValueTask<SendBatchResult> SendBatchAsync(IEnumerable<SegmentEvent> events, CancellationToken cancellationToken = default);

    /// <summary>Parses a JSON array of events and sends each; an invalid item is rejected alone, the others go on.</summary>
    /// <param name="utf8JsonArray">A JSON array of events as UTF-8.</param>
    /// <param name="cancellationToken">Stops waiting for room in a full queue; the event being sent and those after it are answered <see cref="SendStatus.Cancelled"/>.</param>
    /// <returns>One result per array item; a single <see cref="SendStatus.Invalid"/> result when the input is not a JSON array.</returns>
    ValueTask<SendBatchResult> SendBatchAsync(ReadOnlyMemory<byte> utf8JsonArray, CancellationToken cancellationToken = default);

    /// <summary>
    /// Queues every event or none: routes each event, reserves room for all of them at every
    /// destination they are routed to, waiting at most <see cref="SendAllOptions.MaxWait"/>, and
    /// only then queues them. When the room does not come in time, nothing is queued, nothing is
    /// recorded, and every event is answered <see cref="SendStatus.QueueFull"/>, so the caller
    /// can send the whole group again without delivering any event twice.
    /// </summary>
    /// <remarks>
    /// <see cref="SegmentFunctionsOptions.FullMode"/> does not apply: the wait is bounded by
    /// <see cref="SendAllOptions.MaxWait"/> instead. A group that needs more room at one destination
    /// than its <see cref="SegmentFunctionsOptions.QueueCapacity"/> can never fit and is answered
    /// <see cref="SendStatus.QueueFull"/> at once. Callers waiting for room are served one at a
    /// time per destination, so two large groups do not each hold half the room.
    /// </remarks>
    /// <param name="events">The events, already parsed (invalid input never reaches this method).</param>
    /// <param name="options">The wait limit and the destinations allowed; <see cref="SendAllOptions.Default"/> when null.</param>
    /// <param name="cancellationToken">
    /// Stops waiting for room: nothing is queued and every event is answered <see cref="SendStatus.Cancelled"/>
    /// with <see cref="SendResult.Routed"/> 0.
    /// </param>
    /// <returns>
    /// One result per event, by index: all <see cref="SendStatus.Accepted"/> (with the destinations
    /// each was queued for), or all <see cref="SendStatus.QueueFull"/>, <see cref="SendStatus.Cancelled"/>
    /// or <see cref="SendStatus.Stopped"/> (the host stopping while the group was being queued may leave
    /// some events queued; their <see cref="SendResult.Routed"/> says so).
    /// </returns>
    /// <exception cref="ArgumentException"><paramref name="events"/> holds a null event.</exception>
    ValueTask<SendBatchResult> SendAllOrNoneAsync(IReadOnlyList<SegmentEvent> events, SendAllOptions? options, CancellationToken cancellationToken = default);

    /// <summary>What a destination holds right now.</summary>
    /// <param name="destination">The destination's name.</param>
    /// <exception cref="ArgumentException">No destination has that name.</exception>
    DestinationStatus GetStatus(string destination);

    /// <summary>
    /// A destination's totals since the host started, kept by the host whatever the store: delivered,
    /// discarded by reason, expired, and the events waiting for another attempt.
    /// </summary>
    /// <param name="destination">The destination's name, or <see cref="DeliveryRecord.RejectedInput"/> for input that never became an event.</param>
    /// <exception cref="ArgumentException">No destination has that name.</exception>
    DeliveryCounts GetCounts(string destination);

    /// <summary>
    /// Completes when no destination has an event queued or being handled. Events waiting for a
    /// retry, a partly filled batch waiting for its time limit, and an event waiting its low-volume
    /// grace for company (<see cref="Batching.BatchingOptions.LowVolumeEventsPerSecond"/>) do not count: with
    /// a fake <see cref="TimeProvider"/>, advance it to move them on.
    /// </summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <remarks>Also waits until the records of what finished have reached the <see cref="IDeliveryStore"/>.</remarks>
    Task WaitForIdleAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Completes when nothing is pending anywhere: no event queued, being handled, forming a batch or
    /// waiting for a retry, and every record written to the <see cref="IDeliveryStore"/>. With the real
    /// clock that may take up to the retry window (4 hours by default); with a fake
    /// <see cref="TimeProvider"/>, advance it meanwhile. Use it instead of polling <see cref="GetStatus"/>.
    /// </summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    Task WaitForCompletionAsync(CancellationToken cancellationToken = default);
}
