using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Segment.Functions.Tests.Ingestion;

/// <summary>
/// A web page on its own loopback port, standing in for a customer's site and for Segment's CDN:
/// the page loads @segment/analytics-next (its UMD build, from artifacts/node) and the SDK reads its
/// settings from here, so nothing leaves the machine.
/// </summary>
internal sealed class BrowserPageServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private BrowserPageServer(WebApplication app, string origin)
    {
        _app = app;
        Origin = origin;
    }

    /// <summary>The page's origin, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public string Origin { get; }

    /// <param name="bundles">The SDK's UMD folder (node_modules/@segment/analytics-next/dist/umd).</param>
    /// <param name="writeKey">The source's write key.</param>
    /// <param name="apiHost">Where the SDK sends events: host, port and path prefix, e.g. <c>127.0.0.1:5080/v1</c>; asked when the SDK loads its settings.</param>
    /// <param name="script">The page's script, run once the SDK is loaded as <c>AnalyticsNext</c>.</param>
    public static async Task<BrowserPageServer> StartAsync(string bundles, string writeKey, Func<string> apiHost, string script)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.MapGet("/", () => Results.Content(
            $"""
            <!doctype html>
            <html><head><meta charset="utf-8"><title>Shop</title>
            <script src="/analytics-next/bundles/index.js"></script>
            </head><body><h1>Shop</h1><script>{script}</script></body></html>
            """, "text/html"));
        // The SDK's chunks load from the same folder as its main bundle.
        app.MapGet("/analytics-next/bundles/{file}", (string file) =>
        {
            var path = Path.Combine(bundles, Path.GetFileName(file));
            return File.Exists(path) ? Results.File(path, "application/javascript") : Results.NotFound();
        });
        // What Segment's CDN would answer: only the Segment.io integration, pointed at the endpoint under test; no remote metrics.
        app.MapGet("/v1/projects/{key}/settings", (string key) => Results.Json(new
        {
            integrations = new Dictionary<string, object>
            {
                ["Segment.io"] = new { apiKey = writeKey, apiHost = apiHost(), protocol = "http", unbundledIntegrations = Array.Empty<string>() },
            },
            plan = new { track = new { __default = new { enabled = true } } },
            metrics = new { sampleRate = 0 },
        }));
        await app.StartAsync();
        var origin = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
        return new BrowserPageServer(app, origin);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
