using System.Collections.Concurrent;
using PuppeteerSharp;
using Segment.Functions.AspNetCore;

namespace Segment.Functions.Tests.Ingestion;

/// <summary>
/// analytics.js (@segment/analytics-next 1.84.3) in a real headless Chromium, on a page from one
/// loopback port, sending to the ingestion endpoint on another: CORS preflights, Authorization and
/// retry-count headers, the browser SDK's short paths. Needs Debian's chromium (./test.sh installs it).
/// </summary>
[Category("Browser")]
public sealed class BrowserTests
{
    private const string Chromium = "/usr/bin/chromium";
    private const string Key = "browser-write-key";

    [Test]
    public async Task AnalyticsJs_PageTrackIdentify_EachReachesTheFunctionOnce()
    {
        if (!File.Exists(Chromium))
        {
            Assert.Fail($"Chromium is not installed ({Chromium} is missing). This test drives a real browser: run ./test.sh, which installs it, or apt-get install -y chromium.");
        }

        await NodeTools.EnsurePackageAsync("@segment/analytics-next", "1.84.3");
        var bundles = Path.Combine(NodeTools.NodeModules, "@segment", "analytics-next", "dist", "umd");

        // The page's origin is known once its server runs; the endpoint, started next, allows exactly that origin.
        IngestionServer? api = null;
        await using var site = await BrowserPageServer.StartAsync(bundles, Key, () => new Uri(api!.BaseUrl).Authority + "/v1", $$"""
            window.result = (async () => {
              const [analytics] = await AnalyticsNext.AnalyticsBrowser.load({ writeKey: '{{Key}}', cdnURL: location.origin });
              await analytics.page('Docs', 'Pricing', { path: '/pricing' });
              await analytics.track('Order Completed', { revenue: 42.5 });
              await analytics.identify('browser-user', { plan: 'pro' });
              return 'sent';
            })().catch((e) => 'failed: ' + (e && (e.stack || e.message) || e));
            """);
        await using var _ = api = await IngestionServer.StartAsync(o =>
        {
            o.WriteKeys.Add(new IngestionWriteKey { Key = Key });
            o.Cors.AllowedOrigins.Add(site.Origin);
        });

        var outside = new ConcurrentQueue<string>();
        var console = new ConcurrentQueue<string>();
        var profile = Directory.CreateTempSubdirectory("segment-chromium-");
        try
        {
            await using var browser = await Puppeteer.LaunchAsync(new LaunchOptions
            {
                ExecutablePath = Chromium,
                Headless = true,
                UserDataDir = profile.FullName,
                Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
                Timeout = 60_000,
            });
            await using var tab = await browser.NewPageAsync();
            tab.Console += (_, e) => console.Enqueue(e.Message.Text);
            // Nothing may leave the machine: any request off loopback is refused and noted.
            await tab.SetRequestInterceptionAsync(true);
            tab.Request += async (_, e) =>
            {
                if (new Uri(e.Request.Url).Host == "127.0.0.1")
                {
                    await e.Request.ContinueAsync();
                }
                else
                {
                    outside.Enqueue(e.Request.Url);
                    await e.Request.AbortAsync();
                }
            };

            await tab.GoToAsync(site.Origin + "/", new NavigationOptions { Timeout = 30_000 });
            var result = await tab.EvaluateExpressionAsync<string>("window.result").WaitAsync(TimeSpan.FromSeconds(60));
            Assert.That(result, Is.EqualTo("sent"), string.Join("\n", console));

            await WaitForAsync(() => api.A.Singles.Count >= 3, TimeSpan.FromSeconds(30));
            await api.SettleAsync();
            // A browser SDK that did not see its answers (CORS) would send again: give it the time to, then count.
            await Task.Delay(TimeSpan.FromSeconds(2), TimeProvider.System);
        }
        finally
        {
            profile.Delete(recursive: true);
        }

        var received = api.A.Singles.ToArray();
        Assert.That(received.Select(e => e.Type).Order(), Is.EqualTo(new[] { "identify", "page", "track" }), string.Join("\n", console));
        Assert.That(received.Select(e => e.MessageId).Distinct().Count(), Is.EqualTo(3));
        Assert.That(received.Select(e => (string?)e.Context["library"]?["name"]), Is.All.EqualTo("analytics.js"));
        Assert.That(received.Select(e => e.WriteKey), Is.All.Null, "the key the SDK puts in the body is removed");
        Assert.That(received.Select(e => e.Timestamp), Is.All.Not.Null);
        var page = received.OfType<PageEvent>().Single();
        Assert.That((page.Category, page.Name, (string?)page.Properties["path"]), Is.EqualTo(("Docs", "Pricing", "/pricing")));
        Assert.That(received.OfType<TrackEvent>().Single().Event, Is.EqualTo("Order Completed"));
        Assert.That(received.OfType<IdentifyEvent>().Single().UserId, Is.EqualTo("browser-user"));
        Assert.That(outside, Is.Empty, "requests that would have left the machine");
        Assert.That(api.B.Singles.Count, Is.EqualTo(3));
    }

    private static async Task WaitForAsync(Func<bool> condition, TimeSpan limit)
    {
        var start = TimeProvider.System.GetTimestamp();
        while (!condition())
        {
            Assert.That(TimeProvider.System.GetElapsedTime(start), Is.LessThan(limit), "the events did not arrive in time");
            await Task.Delay(TimeSpan.FromMilliseconds(50), TimeProvider.System);
        }
    }
}
