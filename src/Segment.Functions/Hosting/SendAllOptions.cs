namespace Segment.Functions.Hosting;

/// <summary>How <see cref="ISegmentFunctions.SendAllOrNoneAsync"/> sends a group of events.</summary>
public sealed class SendAllOptions
{
    /// <summary>The defaults: every destination, waiting for room until the caller's token is cancelled.</summary>
    public static SendAllOptions Default { get; } = new();

    /// <summary>
    /// How long to wait for room for the whole group. When it passes, nothing is queued and every
    /// event is answered <see cref="SendStatus.QueueFull"/>. <see cref="TimeSpan.Zero"/> takes
    /// only the room free right now; <see cref="Timeout.InfiniteTimeSpan"/> waits until the
    /// caller's token is cancelled. Measured on the host's <see cref="TimeProvider"/>.
    /// </summary>
    /// <value><see cref="Timeout.InfiniteTimeSpan"/>.</value>
    public TimeSpan MaxWait { get; init; } = Timeout.InfiniteTimeSpan;

    /// <summary>
    /// The names of the only destinations the events may go to (for example, those a write key
    /// allows); null for every destination. Names that no destination has are ignored.
    /// </summary>
    /// <value>null.</value>
    public IReadOnlySet<string>? Destinations { get; init; }
}
