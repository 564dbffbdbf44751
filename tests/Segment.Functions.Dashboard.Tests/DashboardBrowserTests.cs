using Segment.Functions.Delivery;
using System.Collections.Concurrent;
using System.Net;
using System.Reflection;
using PuppeteerSharp;

namespace Segment.Functions.Dashboard.Tests;

/// <summary>
/// The dashboard in a real headless Chromium (Debian's, never downloaded) against a Kestrel app on
/// 127.0.0.1 with two destinations, some deliveries and some failures, one of them hostile.
/// </summary>
[Category("Browser")]
[NonParallelizable]
public sealed class DashboardBrowserTests
{
    private const string Chromium = "/usr/bin/chromium";
    private const string BadMessageId = "bad-order-1";
    private const string HostileMessageId = "x\"><img src=x onerror=\"window.__pwned='messageId';alert(3)\">";

    // Each payload would set window.__pwned or open a dialog if the page ran it.
    private const string HostileEvent = """
        {"type":"track","userId":"u-h","messageId":"x\"><img src=x onerror=\"window.__pwned='messageId';alert(3)\">",
         "event":"<script>window.__pwned='name';alert(1)</script>",
         "properties":{"bad":true,"html":"<img src=x onerror=\"window.__pwned='onerror';alert(2)\">",
                       "pre":"</pre><script>window.__pwned='pre'</script>","svg":"<svg onload=\"window.__pwned='svg'\"></svg>"}}
        """;

    private DashboardServer _server = null!;
    private IBrowser _browser = null!;
    private DirectoryInfo _profile = null!;
    private readonly ConcurrentQueue<string> _dialogs = new();

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        if (!File.Exists(Chromium))
        {
            Assert.Fail($"Chromium is not installed ({Chromium} is missing). These tests drive a real browser: run ./test.sh, which installs it, or apt-get install -y chromium.");
        }

        _server = await DashboardServer.StartAsync(o => o.PageSize = 5);
        for (var i = 1; i <= 3; i++)
        {
            await _server.SendAsync($$$"""{"type":"track","event":"Order Completed","userId":"u-{{{i}}}","messageId":"good-{{{i}}}","properties":{"revenue":{{{i}}}}}""", "Shop");
        }

        await _server.SendAsync($$$"""{"type":"track","event":"Order Completed","userId":"u-9","messageId":"{{{BadMessageId}}}","properties":{"bad":"yes"}}""", "Shop");
        await _server.SendAsync(HostileEvent, "Shop");
        await _server.SendAsync("""{"type":"track","event":"Audited","userId":"u-a","messageId":"audit-1"}""", "Audit");
        await _server.SettleAsync();

        _profile = Directory.CreateTempSubdirectory("segment-chromium-");
        _browser = await Puppeteer.LaunchAsync(new LaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            UserDataDir = _profile.FullName,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
            Timeout = 60_000,
        });
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        _profile?.Delete(recursive: true);
    }

    [Test]
    public async Task Overview_ListsEveryDestination_WithItsCounts()
    {
        await using var tab = await OpenAsync();

        var response = await tab.GoToAsync(_server.Dashboard);

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await AllTextAsync(tab, "section.destination h2 a"), Is.EqualTo(new[] { "Shop", "Audit" }));
        // Three delivered and two discarded were sent first; another test may have added a discard since.
        var shop = _server.Functions.GetCounts("Shop");
        Assert.That(shop.Delivered, Is.EqualTo(3));
        Assert.That(await TextAsync(tab, "section[data-destination=Shop] [data-count=delivered] b"), Is.EqualTo("3"));
        Assert.That(await TextAsync(tab, "section[data-destination=Shop] [data-count=discarded] b"), Is.EqualTo(shop.DiscardedTotal.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.That(await TextAsync(tab, "section[data-destination=Audit] [data-count=delivered] b"), Is.EqualTo("1"));
        Assert.That(await TextAsync(tab, "section[data-destination=Shop] [data-count=queued] b"), Is.EqualTo("0"));
        Assert.That(await TextAsync(tab, "section[data-destination=Shop] .legend"), Does.Contain("delivered 3").And.Contain($"discarded {shop.DiscardedTotal}"));
        Assert.That(await TextAsync(tab, "section[data-destination=Shop] .badge"), Is.EqualTo("healthy").Or.EqualTo("degraded").Or.EqualTo("unhealthy"));
        Assert.That(await tab.QuerySelectorAsync("section[data-destination=Shop] svg.chart rect.delivered"), Is.Not.Null);
        await ScreenshotAsync(tab, "dashboard-overview.png");
    }

    [Test]
    public async Task FailedEventPage_ShowsItsLogsAndRequest_SecretsRedacted()
    {
        await using var tab = await OpenAsync();

        await tab.GoToAsync($"{_server.Dashboard}/delivery?d=Shop&q={BadMessageId}");
        Assert.That(await AllTextAsync(tab, "table.failures tbody tr td:nth-child(2) a"), Is.EqualTo(new[] { BadMessageId }));
        await Task.WhenAll(tab.WaitForNavigationAsync(), tab.ClickAsync("table.failures tbody tr td:nth-child(2) a"));

        var logs = await TextAsync(tab, "pre.logs");
        Assert.That(logs, Does.Contain("Sending Order Completed with key ***"));
        Assert.That(await TextAsync(tab, ".http-trace summary"), Does.StartWith("POST ").And.Contain("/track?key=***").And.Contain("→ 400"));
        Assert.That(await TextAsync(tab, "pre.response-body"), Does.Contain("bad event"));
        Assert.That(await TextAsync(tab, "pre.error-text"), Does.Contain("ValidationError").And.Contain("The shop rejected the event"));
        Assert.That(await TextAsync(tab, "pre.event-json"), Does.Contain("\"messageId\": \"bad-order-1\""), "the event, indented");
        Assert.That(await tab.GetContentAsync(), Does.Not.Contain(ShopSettings.Secret));
        await ScreenshotAsync(tab, "dashboard-failure.png");
    }

    [Test]
    public async Task TestPanel_RunsTheSample_AndShowsTheOutcome_WithoutARecord()
    {
        await using var tab = await OpenAsync();
        var recordsBefore = _server.Store.Recent("Audit", 100).Count;
        var receivedBefore = _server.Received.Count;

        await tab.GoToAsync($"{_server.Dashboard}/test?d=Audit&sample=track");
        await Task.WhenAll(tab.WaitForNavigationAsync(), tab.ClickAsync("#run"));

        Assert.That(await TextAsync(tab, "#result .outcome"), Is.EqualTo("Delivered"));
        Assert.That(await TextAsync(tab, "#result"), Does.Contain("HTTP requests (1)").And.Contain("Sending Order Completed with key ***"));
        Assert.That(await TextAsync(tab, "#result .http-trace summary"), Does.Contain("→ 200"));
        Assert.That(_server.Received.Count, Is.EqualTo(receivedBefore + 1), "the run is real");
        Assert.That(_server.Store.Recent("Audit", 100), Has.Count.EqualTo(recordsBefore), "a test run writes no record");
    }

    [Test]
    public async Task TestPanel_PastedBadEvent_ShowsDiscardWithReason()
    {
        await using var tab = await OpenAsync();

        await tab.GoToAsync($"{_server.Dashboard}/test?d=Shop");
        await tab.EvaluateFunctionAsync("v => document.querySelector('#json').value = v", """{"type":"track","event":"E","userId":"u","properties":{"bad":1}}""");
        await Task.WhenAll(tab.WaitForNavigationAsync(), tab.ClickAsync("#run"));

        Assert.That(await TextAsync(tab, "#result .outcome"), Is.EqualTo("Discarded"));
        Assert.That(await TextAsync(tab, "#result .reason"), Does.StartWith("Message Rejected"));
        Assert.That(await TextAsync(tab, "#result pre.error-text"), Does.Contain("bad event"));
    }

    [Test]
    public async Task HostileEvent_ExecutesNothing_AndIsShownAsText()
    {
        await using var tab = await OpenAsync();
        var hostile = _server.Store.Recent("Shop", 100).First(r => r.MessageId == HostileMessageId);

        var pages = new[]
        {
            _server.Dashboard,
            $"{_server.Dashboard}/delivery?d=Shop",
            $"{_server.Dashboard}/event?d=Shop&seq={hostile.Sequence}",
        };
        foreach (var page in pages)
        {
            var response = await tab.GoToAsync(page, WaitUntilNavigation.Load);
            Assert.That(response.Headers["content-security-policy"], Does.Contain("default-src 'none'").And.Not.Contain("unsafe-inline"));
            Assert.That(await tab.EvaluateExpressionAsync<string>("typeof window.__pwned"), Is.EqualTo("undefined"), page);
        }

        Assert.That(_dialogs, Is.Empty, "no dialog opened");
        Assert.That(await tab.EvaluateExpressionAsync<int>("document.scripts.length"), Is.Zero);
        Assert.That(await tab.EvaluateExpressionAsync<int>("document.querySelectorAll('main img, main svg[onload]').length"), Is.Zero, "no injected element");
        Assert.That(await TextAsync(tab, "pre.event-json"), Does.Contain("</pre><script>window.__pwned='pre'</script>"), "shown as text");
        Assert.That(await TextAsync(tab, "h1"), Does.Contain(HostileMessageId));
    }

    [Test]
    public async Task Post_WithoutAntiforgeryToken_IsRefused_AndRunsNothing()
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var received = _server.Received.Count;
        var bad = _server.Store.Recent("Shop", 100).First(r => r.MessageId == BadMessageId);

        using var test = await client.PostAsync($"{_server.Dashboard}/test", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["d"] = "Shop",
            ["json"] = """{"type":"track","event":"E","userId":"u"}""",
        }));
        using var resend = await client.PostAsync($"{_server.Dashboard}/resend", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["d"] = "Shop",
            ["seq"] = bad.Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }));

        Assert.That(test.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await test.Content.ReadAsStringAsync(), Does.Contain("antiforgery token is missing or invalid"));
        Assert.That(resend.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        await _server.SettleAsync();
        Assert.That(_server.Received.Count, Is.EqualTo(received), "nothing ran");
    }

    [Test]
    public async Task EventDelivery_ListsFailuresNewestFirst_PagedAndFiltered()
    {
        for (var i = 1; i <= 7; i++)
        {
            await _server.SendAsync($$$"""{"type":"track","event":"E","userId":"u","messageId":"audit-bad-{{{i}}}","properties":{"bad":{{{i}}}}}""", "Audit");
            await _server.SettleAsync(); // one at a time, so "newest first" has one answer
        }

        await using var tab = await OpenAsync();

        await tab.GoToAsync($"{_server.Dashboard}/delivery?d=Audit&reason=MessageRejected");
        var first = await AllTextAsync(tab, "table.failures tbody tr td:nth-child(2) a");
        await Task.WhenAll(tab.WaitForNavigationAsync(), tab.ClickAsync(".pager a"));
        var second = await AllTextAsync(tab, "table.failures tbody tr td:nth-child(2) a");
        await tab.GoToAsync($"{_server.Dashboard}/delivery?d=Audit&reason=Timeout");
        var none = await AllTextAsync(tab, "table.failures tbody tr");

        Assert.That(first, Is.EqualTo(new[] { "audit-bad-7", "audit-bad-6", "audit-bad-5", "audit-bad-4", "audit-bad-3" }));
        Assert.That(second, Is.EqualTo(new[] { "audit-bad-2", "audit-bad-1" }));
        Assert.That(none, Is.Empty);
        Assert.That(await TextAsync(tab, "table.totals"), Does.Contain("Message Rejected"));
    }

    [Test]
    public async Task EventsWaitingForRetry_AreListedWithTheirNextAttemptTime()
    {
        await _server.SendAsync("""{"type":"track","event":"E","userId":"u","messageId":"down-1","properties":{"down":true}}""", "Shop");
        await _server.SettleAsync();
        var record = _server.Store.Recent("Shop", 100).First(r => r.MessageId == "down-1");
        await using var tab = await OpenAsync();

        await tab.GoToAsync($"{_server.Dashboard}/delivery?d=Shop&state=Retrying&q=down-1");

        Assert.That(await AllTextAsync(tab, "table.failures tbody tr td:nth-child(2) a"), Is.EqualTo(new[] { "down-1" }));
        Assert.That(record.NextAttemptAt, Is.Not.Null);
        Assert.That(await TextAsync(tab, "table.failures td.next-attempt"), Is.EqualTo(record.NextAttemptAt!.Value.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", System.Globalization.CultureInfo.InvariantCulture)));
        Assert.That(await TextAsync(tab, "table.failures tbody tr td:nth-child(4)"), Is.EqualTo("Retrying"));
    }

    [Test]
    public async Task SendAgain_ADiscardedEvent_QueuesANewRecordedAttempt()
    {
        await _server.SendAsync("""{"type":"track","event":"Order Completed","userId":"u-r","messageId":"resend-me","properties":{"bad":"once"}}""", "Shop");
        await _server.SettleAsync();
        var failed = _server.Store.Recent("Shop", 100).First(r => r.MessageId == "resend-me");
        var received = _server.Received.Count;
        await using var tab = await OpenAsync();

        await tab.GoToAsync($"{_server.Dashboard}/event?d=Shop&seq={failed.Sequence}");
        await Task.WhenAll(tab.WaitForNavigationAsync(), tab.ClickAsync("form.resend button"));
        await _server.SettleAsync();

        Assert.That(await TextAsync(tab, ".notice"), Does.StartWith("Sent again"));
        Assert.That(_server.Received.Count, Is.EqualTo(received + 1));
        var records = _server.Store.Recent("Shop", 100).Where(r => r.MessageId == "resend-me").ToArray();
        Assert.That(records, Has.Length.EqualTo(2), "the new attempt is recorded beside the old one");
        Assert.That(records[0].Sequence, Is.GreaterThan(failed.Sequence));
    }

    private async Task<IPage> OpenAsync()
    {
        var tab = await _browser.NewPageAsync();
        tab.DefaultTimeout = 20_000;
        tab.DefaultNavigationTimeout = 20_000;
        await tab.SetViewportAsync(new ViewPortOptions { Width = 1200, Height = 900 });
        tab.Dialog += async (_, e) =>
        {
            _dialogs.Enqueue(e.Dialog.Message);
            await e.Dialog.Dismiss();
        };
        // Nothing may leave the machine: any request off loopback is refused.
        await tab.SetRequestInterceptionAsync(true);
        tab.Request += async (_, e) =>
        {
            if (new Uri(e.Request.Url).Host == "127.0.0.1")
            {
                await e.Request.ContinueAsync();
            }
            else
            {
                await e.Request.AbortAsync();
            }
        };
        return tab;
    }

    private static Task<string?> TextAsync(IPage tab, string selector) =>
        tab.EvaluateFunctionAsync<string?>("s => document.querySelector(s)?.textContent ?? null", selector);

    private static Task<string[]> AllTextAsync(IPage tab, string selector) =>
        tab.EvaluateFunctionAsync<string[]>("s => Array.from(document.querySelectorAll(s), e => e.textContent)", selector);

    private static async Task ScreenshotAsync(IPage tab, string name)
    {
        var root = typeof(DashboardBrowserTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().First(a => a.Key == "RepositoryRoot").Value!;
        var folder = Directory.CreateDirectory(Path.Combine(root, "artifacts", "screenshots"));
        var path = Path.Combine(folder.FullName, name);
        await tab.ScreenshotAsync(path, new ScreenshotOptions { FullPage = true });
        Assert.That(new FileInfo(path).Length, Is.GreaterThan(1_000));
    }
}
