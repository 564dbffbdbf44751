namespace Segment.Functions;

/// <summary>Why an event was not delivered, with the names Segment's Event Delivery page uses.</summary>
public enum OutcomeReason
{
    /// <summary>No failure: the event was delivered.</summary>
    None,

    /// <summary>"Unsupported Event Type": <see cref="EventNotSupported"/>, or no handler for the type. Discarded.</summary>
    UnsupportedEventType,

    /// <summary>"Bad Request": <see cref="InvalidEventPayload"/>, or input that is not a valid event. Discarded.</summary>
    BadRequest,

    /// <summary>"Message Rejected": <see cref="ValidationError"/>, or a non-retryable batch status. Discarded.</summary>
    MessageRejected,

    /// <summary>"Invalid Settings": <see cref="InvalidSettings"/>, or a required setting missing. Discarded.</summary>
    InvalidSettings,

    /// <summary>"Retry": <see cref="RetryError"/>, or a batch status of 408, 429 or 5xx. Retried.</summary>
    Retry,

    /// <summary>"Timeout": the handler ran past the invocation timeout. Retried.</summary>
    Timeout,

    /// <summary>"Unknown Error": any other exception; its type and message are kept. Discarded.</summary>
    UnknownError,

    /// <summary>"Queue Full": the destination already held its queue capacity and the host was set to reject rather than wait. Discarded.</summary>
    QueueFull,
}

/// <summary>Display text for <see cref="OutcomeReason"/>.</summary>
public static class OutcomeReasonExtensions
{
    /// <summary>The text Segment's Event Delivery page shows, e.g. <c>"Unsupported Event Type"</c>.</summary>
    /// <param name="reason">The reason.</param>
    public static string ToDisplayText(this OutcomeReason reason) => reason switch
    {
        OutcomeReason.None => "Delivered",
        OutcomeReason.UnsupportedEventType => "Unsupported Event Type",
        OutcomeReason.BadRequest => "Bad Request",
        OutcomeReason.MessageRejected => "Message Rejected",
        OutcomeReason.InvalidSettings => "Invalid Settings",
        OutcomeReason.Retry => "Retry",
        OutcomeReason.Timeout => "Timeout",
        OutcomeReason.UnknownError => "Unknown Error",
        OutcomeReason.QueueFull => "Queue Full",
        _ => reason.ToString(),
    };
}
