namespace Segment.Functions.PostgreSql.Queue;

/// <summary>One accepted event for one destination, to be stored as a delivery row.</summary>
/// <param name="Destination">The destination it was routed to (decided once, at acceptance).</param>
/// <param name="MessageId">The event's <c>messageId</c> (empty when it had none).</param>
/// <param name="EventType">The event's type (<c>track</c>, <c>identify</c>, …).</param>
/// <param name="Body">The event's UTF-8 JSON exactly as accepted.</param>
internal sealed record NewDelivery(string Destination, string MessageId, string EventType, ReadOnlyMemory<byte> Body);
