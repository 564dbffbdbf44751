namespace Segment.Functions.Batching.Internal;

/// <summary>
/// How the low-volume fallback (SPEC §5) is judged: an event that finds no other queued with it
/// waits up to one interval of the threshold rate (1 s at one event a second) for company. If
/// none comes, traffic is below the rate and the event goes alone to its single-event handler; if
/// one comes, a batch forms as usual. Judging by the next arrival rather than by a count of past
/// seconds means the first events of a burst after a quiet spell are batched with the rest.
/// </summary>
internal static class LowVolumeGrace
{
    /// <summary>The grace for these options: 1 / <see cref="BatchingOptions.LowVolumeEventsPerSecond"/>, at most <see cref="BatchingOptions.MaxWait"/>; null when the fallback is off.</summary>
    public static TimeSpan? For(BatchingOptions options)
    {
        if (options.LowVolumeEventsPerSecond <= 0)
        {
            return null;
        }

        var interval = TimeSpan.FromSeconds(1 / options.LowVolumeEventsPerSecond);
        return interval < options.MaxWait ? interval : options.MaxWait;
    }
}
