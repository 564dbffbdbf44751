using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Segment.Functions.Delivery;
using Segment.Functions.Hosting;

namespace Segment.Functions.Dashboard.Tests;

/// <summary>
/// A Kestrel app on 127.0.0.1 with the dashboard at /functions and two destinations posting to a fake
/// API (another loopback server) that accepts an event, or answers 400 when its properties hold "bad".
/// </summary>
internal sealed class DashboardServer : IAsyncDisposable
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(30);
    private readonly WebApplication _api;
    private readonly WebApplication _app;

    private DashboardServer(WebApplication api, WebApplication app, ConcurrentQueue<string> received)
    {
        _api = api;
        _app = app;
        Received = received;
    }

    /// <summary>Bodies the fake API received.</summary>
    public ConcurrentQueue<string> Received { get; }

    public string BaseUrl => _app.Urls.First();

    public string Dashboard => BaseUrl + "/functions";

    public IServiceProvider Services => _app.Services;

    public ISegmentFunctions Functions => _app.Services.GetRequiredService<ISegmentFunctions>();

    public IDeliveryStore Store => _app.Services.GetRequiredService<IDeliveryStore>();

    public static async Task<DashboardServer> StartAsync(Action<SegmentFunctionsDashboardOptions>? dashboard = null)
    {
        var received = new ConcurrentQueue<string>();
        var apiBuilder = WebApplication.CreateSlimBuilder();
        apiBuilder.WebHost.UseUrls("http://127.0.0.1:0");
        apiBuilder.Logging.ClearProviders();
        var api = apiBuilder.Build();
        api.MapPost("/track", async (HttpContext context) =>
        {
            using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
            var body = await reader.ReadToEndAsync(context.RequestAborted);
            received.Enqueue(body);
            return body.Contains("bad", StringComparison.Ordinal)
                ? Results.Text("""{"error":"bad event"}""", "application/json", statusCode: 400)
                : Results.Text("""{"ok":true}""", "application/json");
        });
        await api.StartAsync();
        var endpoint = api.Urls.First();

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        // An event left waiting for a retry must not hold the test's stop for the default 30 s, and
        // (this server runs on the real clock) waits an hour, so the pages show it as the tests read it.
        builder.Services.AddSegmentFunctions(o =>
            {
                o.ShutdownTimeout = TimeSpan.FromSeconds(1);
                o.Retry.InitialDelay = TimeSpan.FromHours(1);
                o.Retry.MaxDelay = TimeSpan.FromHours(1);
            })
            .AddDestination<ShopFunction, ShopSettings>("Shop", s => s.Endpoint = endpoint)
            .AddDestination<ShopFunction, ShopSettings>("Audit", s => s.Endpoint = endpoint)
            .AddDashboard(dashboard ?? (static _ => { }));
        var app = builder.Build();
        app.MapSegmentFunctionsDashboard("/functions");
        await app.StartAsync();
        return new DashboardServer(api, app, received);
    }

    public async Task SendAsync(string json, params string[] destinations)
    {
        var result = await Functions.SendAsync(Encoding.UTF8.GetBytes(json), new SendOptions { Destinations = destinations.ToHashSet() });
        Assert.That(result.IsAccepted, Is.True, result.Error);
    }

    public Task SettleAsync() => Functions.WaitForIdleAsync().WaitAsync(Guard);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        await _api.StopAsync();
        await _api.DisposeAsync();
    }
}
