using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Sample;

/// <summary>
/// The "external API" the sample delivers to: a Kestrel server on loopback (a free port) that
/// answers some requests with 500, or 429 with Retry-After: 1, so retries show.
/// </summary>
public sealed class FakeApi : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Random _random;
    private readonly double _failRate;
    private readonly double _throttleRate;
    private readonly Lock _gate = new();
    private long _requests;
    private long _failed;

    private FakeApi(WebApplication app, int seed, double failRate, double throttleRate)
    {
        _app = app;
        _random = new Random(seed);
        _failRate = failRate;
        _throttleRate = throttleRate;
    }

    public string BaseUrl { get; private set; } = "";

    public long Requests => Interlocked.Read(ref _requests);

    public long Failed => Interlocked.Read(ref _failed);

    public static async Task<FakeApi> StartAsync(int seed, double failRate, double throttleRate)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var api = new FakeApi(app, seed, failRate, throttleRate);
        app.MapPost("/{**path}", api.HandleAsync);
        await app.StartAsync();
        api.BaseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return api;
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    private async Task<IResult> HandleAsync(HttpRequest request)
    {
        Interlocked.Increment(ref _requests);
        // Read the body as a real API would before answering.
        await request.Body.CopyToAsync(Stream.Null);
        double roll;
        lock (_gate)
        {
            roll = _random.NextDouble();
        }

        if (roll < _failRate)
        {
            Interlocked.Increment(ref _failed);
            return Results.StatusCode(StatusCodes.Status500InternalServerError);
        }

        if (roll < _failRate + _throttleRate)
        {
            Interlocked.Increment(ref _failed);
            request.HttpContext.Response.Headers.RetryAfter = "1";
            return Results.StatusCode(StatusCodes.Status429TooManyRequests);
        }

        return Results.Ok(new { ok = true });
    }
}
