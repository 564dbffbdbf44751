using System.Text.Json;

namespace Segment.Functions.Events.Internal;

/// <summary>The top-level field names of the Segment Spec, pre-encoded for writing.</summary>
internal static class FieldNames
{
    public static readonly JsonEncodedText Type = JsonEncodedText.Encode("type");
    public static readonly JsonEncodedText MessageId = JsonEncodedText.Encode("messageId");
    public static readonly JsonEncodedText UserId = JsonEncodedText.Encode("userId");
    public static readonly JsonEncodedText AnonymousId = JsonEncodedText.Encode("anonymousId");
    public static readonly JsonEncodedText Timestamp = JsonEncodedText.Encode("timestamp");
    public static readonly JsonEncodedText OriginalTimestamp = JsonEncodedText.Encode("originalTimestamp");
    public static readonly JsonEncodedText SentAt = JsonEncodedText.Encode("sentAt");
    public static readonly JsonEncodedText ReceivedAt = JsonEncodedText.Encode("receivedAt");
    public static readonly JsonEncodedText Context = JsonEncodedText.Encode("context");
    public static readonly JsonEncodedText Integrations = JsonEncodedText.Encode("integrations");
    public static readonly JsonEncodedText Channel = JsonEncodedText.Encode("channel");
    public static readonly JsonEncodedText Version = JsonEncodedText.Encode("version");
    public static readonly JsonEncodedText WriteKey = JsonEncodedText.Encode("writeKey");
    public static readonly JsonEncodedText Event = JsonEncodedText.Encode("event");
    public static readonly JsonEncodedText Properties = JsonEncodedText.Encode("properties");
    public static readonly JsonEncodedText Traits = JsonEncodedText.Encode("traits");
    public static readonly JsonEncodedText Name = JsonEncodedText.Encode("name");
    public static readonly JsonEncodedText Category = JsonEncodedText.Encode("category");
    public static readonly JsonEncodedText GroupId = JsonEncodedText.Encode("groupId");
    public static readonly JsonEncodedText PreviousId = JsonEncodedText.Encode("previousId");
}
