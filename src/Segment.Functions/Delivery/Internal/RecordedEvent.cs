using Segment.Functions.Dispatch.Internal;
using Segment.Functions.Settings.Internal;

namespace Segment.Functions.Delivery.Internal;

/// <summary>The event's JSON as a failure's delivery record keeps it (SPEC §7: the Event Delivery view shows the event with its error).</summary>
internal static class RecordedEvent
{
    /// <summary>
    /// The event's JSON with the destination's secrets redacted and without its <c>writeKey</c> (a
    /// source's credential, which no record shows), then cut to <paramref name="maxBytes"/> (redacted
    /// first, so a cut cannot leave half a secret). Never throws: the record must be written.
    /// </summary>
    public static string Json(SegmentEvent @event, SecretRedactor redactor, int maxBytes)
    {
        if (maxBytes <= 0)
        {
            return "";
        }

        try
        {
            var shown = @event.WriteKey is null ? @event : @event with { WriteKey = null };
            return Utf8Text.Cap(redactor.Redact(shown.ToJson()), maxBytes, "event");
        }
        catch (Exception exception)
        {
            return redactor.Redact($"[the event could not be written as JSON: {exception.GetType().Name}: {exception.Message}]");
        }
    }
}
