namespace Segment.Functions.Testing;

/// <summary>
/// Realistic events of each type, like the editor's "Use Sample Event". Each call returns a new
/// event, so a test may change its bags freely.
/// </summary>
public static class SampleEvents
{
    private const string Context =
        "\"context\":{\"ip\":\"8.8.8.8\",\"library\":{\"name\":\"analytics.js\",\"version\":\"2.11.1\"},\"locale\":\"en-US\","
        + "\"page\":{\"path\":\"/academy/\",\"referrer\":\"\",\"search\":\"\",\"title\":\"Analytics Academy\",\"url\":\"https://segment.com/academy/\"},"
        + "\"userAgent\":\"Mozilla/5.0 (X11; Linux x86_64)\"}";

    private const string Common =
        "\"userId\":\"user-1234\",\"anonymousId\":\"507f191e810c19729de860ea\",\"channel\":\"browser\"," + Context
        + ",\"integrations\":{},\"timestamp\":\"2026-01-05T14:22:12.414Z\",\"originalTimestamp\":\"2026-01-05T14:22:12.122Z\","
        + "\"sentAt\":\"2026-01-05T14:22:12.920Z\",\"receivedAt\":\"2026-01-05T14:22:13.212Z\",\"version\":2";

    /// <summary>A <c>track</c> "Product Added" event with e-commerce properties.</summary>
    public static TrackEvent Track() => (TrackEvent)Parse(
        "{\"type\":\"track\",\"messageId\":\"sample-track-1\",\"event\":\"Product Added\",\"properties\":{\"product_id\":\"507f1f77bcf86cd799439011\","
        + "\"sku\":\"G-32\",\"category\":\"Games\",\"name\":\"Monopoly: 3rd Edition\",\"brand\":\"Hasbro\",\"price\":18.99,\"quantity\":1,\"currency\":\"USD\"}," + Common + "}");

    /// <summary>An <c>identify</c> event with name, email, plan and address traits.</summary>
    public static IdentifyEvent Identify() => (IdentifyEvent)Parse(
        "{\"type\":\"identify\",\"messageId\":\"sample-identify-1\",\"traits\":{\"name\":\"Peter Gibbons\",\"email\":\"peter@example.com\",\"plan\":\"premium\",\"logins\":5,"
        + "\"address\":{\"street\":\"6th St\",\"city\":\"San Francisco\",\"state\":\"CA\",\"postalCode\":\"94103\",\"country\":\"USA\"}}," + Common + "}");

    /// <summary>A <c>page</c> view of "Home".</summary>
    public static PageEvent Page() => (PageEvent)Parse(
        "{\"type\":\"page\",\"messageId\":\"sample-page-1\",\"name\":\"Home\",\"category\":\"Docs\",\"properties\":{\"title\":\"Welcome | Initech\","
        + "\"url\":\"http://www.example.com\",\"path\":\"/\",\"referrer\":\"https://google.com\",\"pageName\":\"Home\"}," + Common + "}");

    /// <summary>A <c>screen</c> view of "Home" from a mobile app.</summary>
    public static ScreenEvent Screen() => (ScreenEvent)Parse(
        "{\"type\":\"screen\",\"messageId\":\"sample-screen-1\",\"name\":\"Home\",\"category\":\"Main\",\"properties\":{\"Feed Type\":\"private\"}," + Common + "}");

    /// <summary>A <c>group</c> event for the company "Initech".</summary>
    public static GroupEvent Group() => (GroupEvent)Parse(
        "{\"type\":\"group\",\"messageId\":\"sample-group-1\",\"groupId\":\"0e8c78ea9d97a7b8185e8632\",\"traits\":{\"name\":\"Initech\",\"industry\":\"Technology\","
        + "\"employees\":329,\"plan\":\"enterprise\",\"company\":\"Initech\"}," + Common + "}");

    /// <summary>An <c>alias</c> event joining an earlier id to the user.</summary>
    public static AliasEvent Alias() => (AliasEvent)Parse(
        "{\"type\":\"alias\",\"messageId\":\"sample-alias-1\",\"previousId\":\"39239-239239-239239-23923\"," + Common + "}");

    /// <summary>A <c>delete</c> request for a user's data.</summary>
    public static DeleteEvent Delete() => (DeleteEvent)Parse(
        "{\"type\":\"delete\",\"messageId\":\"sample-delete-1\",\"userId\":\"user-1234\",\"channel\":\"server\",\"context\":[],\"integrations\":[],"
        + "\"timestamp\":\"2026-01-05T14:22:12.414Z\",\"receivedAt\":\"2026-01-05T14:22:13.212Z\"}");

    /// <summary>One sample of each single-event type, in the order track, identify, page, screen, group, alias, delete.</summary>
    public static IReadOnlyList<SegmentEvent> All() => [Track(), Identify(), Page(), Screen(), Group(), Alias(), Delete()];

    private static SegmentEvent Parse(string json) => SegmentEvent.Parse(json);
}
