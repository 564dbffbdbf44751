namespace Segment.Functions.Delivery;

/// <summary>The state of an event at a destination, as its latest <see cref="DeliveryRecord"/> shows it.</summary>
public enum DeliveryState
{
    /// <summary>An attempt asked to try again and the retry window is not over: another attempt is scheduled.</summary>
    Retrying,

    /// <summary>Delivered: the handler finished without error (or its batch status was 2xx). Final.</summary>
    Delivered,

    /// <summary>Dropped after a permanent failure; <see cref="DeliveryRecord.Reason"/> says why. Final.</summary>
    Discarded,

    /// <summary>Kept failing with temporary errors until the retry window (4 h by default) ran out. Final.</summary>
    Expired,
}
