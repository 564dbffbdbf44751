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

    /// <summary>What a destination holds right now.</summary>
    /// <param name="destination">The destination's name.</param>
    /// <exception cref="ArgumentException">No destination has that name.</exception>
    DestinationStatus GetStatus(string destination);

    /// <summary>
    /// Completes when no destination has an event queued or being handled. Events waiting for a
    /// retry, a partly filled batch waiting for its time limit, and an event waiting its low-volume
    /// grace for company (<see cref="Batching.BatchingOptions.LowVolumeEventsPerSecond"/>) do not count: with
    /// a fake <see cref="TimeProvider"/>, advance it to move them on.
    /// </summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    Task WaitForIdleAsync(CancellationToken cancellationToken = default);
}
