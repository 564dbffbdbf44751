namespace Segment.Functions;

/// <summary>What one attempt decided for one event: delivered, discarded, or try again later. Whether a retry is still allowed is the host's call (see <see cref="Delivery.DeliveryState"/>).</summary>
public enum OutcomeKind
{
    /// <summary>The handler finished without error (or its batch status was 2xx).</summary>
    Delivered,

    /// <summary>A permanent failure: the event is dropped; <see cref="OutcomeReason"/> says why.</summary>
    Discarded,

    /// <summary>A temporary failure: the event is tried again later with backoff.</summary>
    Retry,
}
