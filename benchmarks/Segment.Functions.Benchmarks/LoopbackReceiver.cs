using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Segment.Functions.Benchmarks;

/// <summary>The "external API" of <c>throughput --http</c>: Kestrel on 127.0.0.1 that reads each body and answers 200.</summary>
internal sealed class LoopbackReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private long _requests;

    private LoopbackReceiver(WebApplication app) => _app = app;

    public string BaseUrl { get; private set; } = "";

    public long Requests => Interlocked.Read(ref _requests);

    public static async Task<LoopbackReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var receiver = new LoopbackReceiver(app);
        app.MapPost("/{**path}", async (HttpRequest request) =>
        {
            await request.Body.CopyToAsync(Stream.Null).ConfigureAwait(false);
            Interlocked.Increment(ref receiver._requests);
            return Results.Ok();
        });
        await app.StartAsync().ConfigureAwait(false);
        receiver.BaseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return receiver;
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
