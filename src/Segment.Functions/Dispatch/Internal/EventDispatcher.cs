namespace Segment.Functions.Dispatch.Internal;

/// <summary>
/// Picks the handler for an event's type. Exceptions thrown synchronously become a faulted task.
/// Each invocation gets its own copy of the events (<see cref="SegmentEvent.CopyForHandler"/>): one
/// destination's handler changing its event must not change it for the others.
/// </summary>
internal static class EventDispatcher
{
    // copy: false when the caller already made sure the handler may have this instance (see PendingEvent.Owned).
    public static Task Dispatch<TSettings>(IDestinationFunction<TSettings> function, SegmentEvent @event, TSettings settings, CancellationToken cancellationToken, bool copy = true)
    {
        try
        {
            return (copy ? @event.CopyForHandler() : @event) switch
            {
                TrackEvent track => function.OnTrack(track, settings, cancellationToken),
                IdentifyEvent identify => function.OnIdentify(identify, settings, cancellationToken),
                PageEvent page => function.OnPage(page, settings, cancellationToken),
                ScreenEvent screen => function.OnScreen(screen, settings, cancellationToken),
                GroupEvent group => function.OnGroup(group, settings, cancellationToken),
                AliasEvent alias => function.OnAlias(alias, settings, cancellationToken),
                DeleteEvent delete => function.OnDelete(delete, settings, cancellationToken),
                _ => Task.FromException(new EventNotSupported($"{@event.Type} is not supported")),
            } ?? Task.FromException(new InvalidOperationException($"The {@event.Type} handler returned a null Task."));
        }
        catch (Exception exception)
        {
            return Task.FromException(exception);
        }
    }

    // copy: false when the caller already made sure the handler may have these instances.
    public static Task<BatchResult> DispatchBatch<TSettings>(IDestinationFunction<TSettings> function, IReadOnlyList<SegmentEvent> events, TSettings settings, CancellationToken cancellationToken, bool copy = true)
    {
        try
        {
            var copies = events;
            if (copy)
            {
                var copied = new SegmentEvent[events.Count];
                for (var i = 0; i < copied.Length; i++)
                {
                    copied[i] = events[i].CopyForHandler();
                }

                copies = copied;
            }

            return function.OnBatch(copies, settings, cancellationToken)
                ?? Task.FromException<BatchResult>(new InvalidOperationException("OnBatch returned a null Task."));
        }
        catch (Exception exception)
        {
            return Task.FromException<BatchResult>(exception);
        }
    }
}
