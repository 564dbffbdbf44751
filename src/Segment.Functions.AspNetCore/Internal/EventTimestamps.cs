using System.Globalization;
using System.Text.Json.Nodes;

namespace Segment.Functions.AspNetCore.Internal;

/// <summary>
/// The server's time stamps, as Segment's platform sets them: <c>receivedAt</c> from the server's
/// clock, and <c>timestamp</c> corrected for the device's clock skew.
/// </summary>
/// <remarks>
/// Device clocks are often wrong, but the time between the call (<c>timestamp</c>, or
/// <c>originalTimestamp</c> as RudderStack's SDKs name it) and the send (<c>sentAt</c>) is measured on
/// the same wrong clock, so it is right: <c>timestamp = receivedAt − (sentAt − originalTimestamp)</c>.
/// The device's own value is kept in <c>originalTimestamp</c>. Without <c>sentAt</c> the device's
/// value is kept as it is; without any device time, <c>timestamp</c> is <c>receivedAt</c>.
/// Times are written in UTC with milliseconds and <c>Z</c>, as the platform writes them.
/// </remarks>
internal static class EventTimestamps
{
    /// <summary>Formats a time as the platform does: <c>2026-03-04T05:06:07.123Z</c>.</summary>
    public static string Format(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>Sets <c>receivedAt</c>, <c>timestamp</c> and <c>originalTimestamp</c> on one event (its <c>sentAt</c> already merged from the envelope).</summary>
    public static void Stamp(JsonObject item, DateTimeOffset receivedAt)
    {
        item["receivedAt"] = Format(receivedAt);
        var device = item["originalTimestamp"] ?? item["timestamp"];
        if (device is null)
        {
            item["timestamp"] = Format(receivedAt);
            return;
        }

        // A value that is not a time is left for the parser to judge (and reject, naming the field).
        if (Read(device) is not { } deviceTime)
        {
            return;
        }

        item["originalTimestamp"] = device.DeepClone();
        if (Read(item["sentAt"]) is not { } sentAt)
        {
            item["timestamp"] ??= device.DeepClone();
            return;
        }

        try
        {
            item["timestamp"] = Format(receivedAt - (sentAt - deviceTime));
        }
        catch (ArgumentOutOfRangeException)
        {
            // Skew beyond the calendar (year 1 against year 9999): no correction makes sense.
            item["timestamp"] = device.DeepClone();
        }
    }

    private static DateTimeOffset? Read(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<string>(out var text)
        && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            ? time
            : null;
}
