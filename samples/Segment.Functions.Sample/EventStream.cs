using System.Text;
using System.Text.Json;

namespace Sample;

/// <summary>Where the sample's events come from: a generated stream of realistic events, or JSON lines from a file or stdin.</summary>
public static class EventStream
{
    private static readonly string[] TrackNames = ["Product Viewed", "Product Added", "Checkout Started", "Order Completed", "Signed Up", "Video Played"];
    private static readonly string[] Pages = ["Home", "Pricing", "Docs", "Blog", "Checkout"];
    private static readonly string[] Libraries = ["analytics.js", "analytics-node", "analytics-ios", "analytics-android"];

    /// <summary>
    /// <paramref name="count"/> events of every type (mostly track), with the fields real SDKs send,
    /// and about one line in a hundred broken the way real input breaks (so rejects show too).
    /// </summary>
    public static IEnumerable<byte[]> Generate(int count, int seed)
    {
        var random = new Random(seed);
        var start = new DateTimeOffset(2026, 11, 1, 9, 0, 0, TimeSpan.Zero);
        for (var i = 0; i < count; i++)
        {
            if (random.Next(100) == 0)
            {
                yield return Encoding.UTF8.GetBytes(random.Next(2) == 0 ? "{\"type\":\"track\",\"userId\":\"u-broken\"}" : "{\"type\":\"track\",");
                continue;
            }

            yield return Event(i, random, start.AddSeconds(i * 1.7));
        }
    }

    /// <summary>One JSON event per line; blank lines are skipped. "-" reads standard input.</summary>
    public static async IAsyncEnumerable<byte[]> ReadLines(string path)
    {
        using var reader = path == "-" ? new StreamReader(Console.OpenStandardInput()) : new StreamReader(path);
        while (await reader.ReadLineAsync() is { } line)
        {
            if (!string.IsNullOrWhiteSpace(line))
            {
                yield return Encoding.UTF8.GetBytes(line);
            }
        }
    }

    private static byte[] Event(int i, Random random, DateTimeOffset at)
    {
        var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            var roll = random.Next(100);
            var type = roll switch { < 60 => "track", < 75 => "identify", < 85 => "page", < 90 => "screen", < 94 => "group", < 97 => "alias", _ => "delete" };
            var user = $"user-{random.Next(500)}";
            json.WriteStartObject();
            json.WriteString("type", type);
            json.WriteString("messageId", $"sample-{i:D6}");
            json.WriteString("userId", user);
            json.WriteString("anonymousId", $"anon-{random.Next(100_000):D5}");
            json.WriteString("timestamp", at);
            json.WriteString("sentAt", at.AddMilliseconds(random.Next(50, 900)));
            switch (type)
            {
                case "track":
                    json.WriteString("event", TrackNames[random.Next(TrackNames.Length)]);
                    json.WriteStartObject("properties");
                    json.WriteString("product_id", $"sku-{random.Next(1000)}");
                    json.WriteNumber("price", Math.Round(random.NextDouble() * 200, 2));
                    json.WriteString("currency", "USD");
                    json.WriteEndObject();
                    break;
                case "identify":
                case "group":
                    if (type == "group")
                    {
                        json.WriteString("groupId", $"org-{random.Next(50)}");
                    }

                    json.WriteStartObject("traits");
                    json.WriteString("email", $"{user}@example.com");
                    json.WriteString("plan", random.Next(3) == 0 ? "pro" : "free");
                    json.WriteEndObject();
                    break;
                case "page":
                case "screen":
                    json.WriteString("name", Pages[random.Next(Pages.Length)]);
                    json.WriteStartObject("properties");
                    json.WriteString("path", "/" + Pages[random.Next(Pages.Length)].ToLowerInvariant());
                    json.WriteEndObject();
                    break;
                case "alias":
                    json.WriteString("previousId", $"anon-{random.Next(100_000):D5}");
                    break;
            }

            json.WriteStartObject("context");
            json.WriteStartObject("library");
            json.WriteString("name", Libraries[random.Next(Libraries.Length)]);
            json.WriteString("version", "3.1.0");
            json.WriteEndObject();
            json.WriteString("ip", $"203.0.113.{random.Next(1, 255)}");
            json.WriteEndObject();
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }
}
