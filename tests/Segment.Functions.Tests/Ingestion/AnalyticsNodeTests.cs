using System.Diagnostics;
using Segment.Functions.AspNetCore;

namespace Segment.Functions.Tests.Ingestion;

/// <summary>
/// The real @segment/analytics-node SDK (3.1.0) against the ingestion endpoint on loopback. Needs
/// Node.js; the SDK is installed with npm into artifacts/node when it is not there yet.
/// </summary>
[Category("Node")]
public sealed class AnalyticsNodeTests
{
    private const string SdkVersion = "3.1.0";
    private const string Key = "node-write-key";

    private static string RepositoryRoot => Path.GetFullPath(typeof(AnalyticsNodeTests).Assembly
        .GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
        .Cast<System.Reflection.AssemblyMetadataAttribute>().First(a => a.Key == "RepositoryRoot").Value!);

    private static string NodeFolder => Path.Combine(RepositoryRoot, "artifacts", "node");

    [Test]
    public async Task RealSdk_EachCallReachesTheFunctionsWithItsFields()
    {
        await EnsureSdkAsync();
        await using var server = await IngestionServer.StartAsync(o => o.WriteKeys.Add(new IngestionWriteKey { Key = Key }));

        var (exit, output) = await RunAsync("node", [Path.Combine(RepositoryRoot, "tests", "Segment.Functions.Tests", "Ingestion", "send-with-analytics-node.js"), server.BaseUrl, Key],
            new Dictionary<string, string> { ["NODE_PATH"] = Path.Combine(NodeFolder, "node_modules") });
        Assert.That(exit, Is.Zero, output);
        await server.SettleAsync();

        var received = server.A.Singles.ToDictionary(e => e.Type);
        Assert.That(received.Keys, Is.EquivalentTo(new[] { "identify", "track", "page", "screen", "group", "alias" }), output);
        Assert.That(received.Values.Select(e => e.UserId), Is.All.EqualTo("node-user"));
        Assert.That(received.Values.Select(e => (string?)e.Context["library"]?["name"]), Is.All.EqualTo("@segment/analytics-node"));
        Assert.That(received.Values.Select(e => (string?)e.Context["library"]?["version"]), Is.All.EqualTo(SdkVersion));
        Assert.That(received.Values.Select(e => e.Timestamp), Is.All.EqualTo(DateTimeOffset.Parse("2026-03-04T05:06:07.123Z")));
        Assert.That(received.Values.Select(e => e.ReceivedAt), Is.All.EqualTo(server.Time.GetUtcNow()));
        Assert.That(received.Values.Select(e => e.MessageId), Is.All.Not.Null.And.All.Not.Empty);

        var identify = (IdentifyEvent)received["identify"];
        Assert.That(((string?)identify.Traits["email"], (string?)identify.Traits["plan"]), Is.EqualTo(("node@example.com", "pro")));
        var track = (TrackEvent)received["track"];
        Assert.That((track.Event, (double?)track.Properties["revenue"], (string?)track.Properties["currency"]), Is.EqualTo(("Order Completed", 42.5, "USD")));
        var page = (PageEvent)received["page"];
        Assert.That((page.Name, page.Category, (string?)page.Properties["path"]), Is.EqualTo(("Pricing", "Docs", "/pricing")));
        var screen = (ScreenEvent)received["screen"];
        Assert.That((screen.Name, (string?)screen.Properties["variant"]), Is.EqualTo(("Home", "b")));
        var group = (GroupEvent)received["group"];
        Assert.That((group.GroupId, (string?)group.Traits["name"]), Is.EqualTo(("org-7", "Acme Inc")));
        var alias = (AliasEvent)received["alias"];
        Assert.That(alias.PreviousId, Is.EqualTo("anon-99"));
        Assert.That(server.Store.Counts("A").Delivered, Is.EqualTo(6));
    }

    private static async Task EnsureSdkAsync()
    {
        try
        {
            var (exit, _) = await RunAsync("node", ["--version"]);
            Assert.That(exit, Is.Zero, "node --version failed");
        }
        catch (System.ComponentModel.Win32Exception)
        {
            Assert.Fail("Node.js is not installed (no `node` on PATH). This test runs the real @segment/analytics-node SDK; install Node.js 18 or later (e.g. apt-get install nodejs npm).");
        }

        if (File.Exists(Path.Combine(NodeFolder, "node_modules", "@segment", "analytics-node", "package.json")))
        {
            return;
        }

        Directory.CreateDirectory(NodeFolder);
        var (code, output) = await RunAsync("npm", ["install", "--prefix", NodeFolder, "--no-audit", "--no-fund", $"@segment/analytics-node@{SdkVersion}"]);
        Assert.That(code, Is.Zero, $"npm could not install @segment/analytics-node@{SdkVersion} into {NodeFolder}:\n{output}");
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string file, IEnumerable<string> arguments, IDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        // Real time on purpose: an outside process, bounded so a hang fails the test.
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(5));
        return (process.ExitCode, await stdout + await stderr);
    }
}
