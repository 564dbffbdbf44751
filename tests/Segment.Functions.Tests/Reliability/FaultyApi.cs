using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Segment.Functions.Tests.Reliability;

/// <summary>
/// A real HTTP server on loopback whose paths misbehave on purpose: /ok, /status/{code},
/// /throttle (429, Retry-After: 120), /hang (never answers), /reset (drops the connection mid-response),
/// /truncated (promises more body than it sends), /flap (500, then 200, alternating),
/// /hooks/{code}/{anything} (answers that status and echoes the request's path and query).
/// </summary>
internal sealed class FaultyApi : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, int> _hits = new();
    private int _flaps;

    private FaultyApi(WebApplication app) => _app = app;

    public string BaseUrl { get; private set; } = "";

    /// <summary>Completes when /hang has received a request.</summary>
    public TaskCompletionSource Hung { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Hits(string path) => _hits.GetValueOrDefault(path);

    /// <summary>Every path requested so far.</summary>
    public ICollection<string> Paths => _hits.Keys;

    public static async Task<FaultyApi> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var api = new FaultyApi(app);
        app.Use(async (context, next) =>
        {
            api._hits.AddOrUpdate(context.Request.Path.Value!, 1, static (_, n) => n + 1);
            await context.Request.Body.CopyToAsync(Stream.Null);
            await next(context);
        });
        app.MapPost("/ok", () => Results.Ok(new { ok = true }));
        app.MapPost("/status/{code:int}", (int code) => Results.StatusCode(code));
        app.MapPost("/throttle", (HttpContext context) =>
        {
            context.Response.Headers.RetryAfter = "120";
            return Results.StatusCode(StatusCodes.Status429TooManyRequests);
        });
        app.MapPost("/hang", async (HttpContext context) =>
        {
            api.Hung.TrySetResult();
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
        });
        app.MapPost("/reset", async (HttpContext context) =>
        {
            context.Response.ContentLength = 1000;
            await context.Response.WriteAsync("{\"partial\":");
            await context.Response.Body.FlushAsync();
            context.Abort();
        });
        app.MapPost("/truncated", async (HttpContext context) =>
        {
            context.Response.ContentLength = 100_000;
            await context.Response.WriteAsync(new string('x', 10));
            await context.Response.Body.FlushAsync();
            context.Features.Get<IHttpResponseBodyFeature>()?.Stream.Flush();
            context.Abort();
        });
        app.MapPost("/hooks/{code:int}/{**rest}", async (int code, HttpContext context) =>
        {
            context.Response.StatusCode = code;
            await context.Response.WriteAsync($"{{\"echo\":\"{context.Request.Path}{context.Request.QueryString}\"}}");
        });
        app.MapPost("/flap", () => Interlocked.Increment(ref api._flaps) % 2 == 1 ? Results.StatusCode(500) : Results.Ok());
        await app.StartAsync();
        api.BaseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return api;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
