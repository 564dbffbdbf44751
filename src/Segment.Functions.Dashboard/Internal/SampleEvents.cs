namespace Segment.Functions.Dashboard.Internal;

/// <summary>The Test panel's sample events, one per type and a batch, like the original editor's.</summary>
internal static class SampleEvents
{
    public static readonly (string Key, string Json)[] All =
    [
        ("track", """
            {
              "type": "track",
              "event": "Order Completed",
              "userId": "test-user-1",
              "messageId": "test-track-1",
              "timestamp": "2026-01-01T00:00:00.000Z",
              "properties": { "orderId": "o-1", "revenue": 42.5, "currency": "USD" }
            }
            """),
        ("identify", """
            {
              "type": "identify",
              "userId": "test-user-1",
              "messageId": "test-identify-1",
              "timestamp": "2026-01-01T00:00:00.000Z",
              "traits": { "email": "test@example.com", "plan": "pro" }
            }
            """),
        ("page", """
            {
              "type": "page",
              "name": "Pricing",
              "userId": "test-user-1",
              "messageId": "test-page-1",
              "timestamp": "2026-01-01T00:00:00.000Z",
              "properties": { "path": "/pricing", "url": "https://example.com/pricing" }
            }
            """),
        ("screen", """
            {
              "type": "screen",
              "name": "Home",
              "userId": "test-user-1",
              "messageId": "test-screen-1",
              "timestamp": "2026-01-01T00:00:00.000Z"
            }
            """),
        ("group", """
            {
              "type": "group",
              "groupId": "test-group-1",
              "userId": "test-user-1",
              "messageId": "test-group-1",
              "timestamp": "2026-01-01T00:00:00.000Z",
              "traits": { "name": "Example Inc." }
            }
            """),
        ("alias", """
            {
              "type": "alias",
              "previousId": "test-anonymous-1",
              "userId": "test-user-1",
              "messageId": "test-alias-1",
              "timestamp": "2026-01-01T00:00:00.000Z"
            }
            """),
        ("delete", """
            {
              "type": "delete",
              "userId": "test-user-1",
              "messageId": "test-delete-1",
              "timestamp": "2026-01-01T00:00:00.000Z"
            }
            """),
        ("batch", """
            [
              { "type": "track", "event": "Order Completed", "userId": "test-user-1", "messageId": "test-batch-1" },
              { "type": "identify", "userId": "test-user-2", "messageId": "test-batch-2", "traits": { "plan": "free" } }
            ]
            """),
    ];

    public static string For(string? key) => All.FirstOrDefault(s => s.Key == key).Json ?? All[0].Json;
}
