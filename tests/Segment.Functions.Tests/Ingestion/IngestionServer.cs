using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using Segment.Functions.AspNetCore;
using Segment.Functions.Delivery;
using Segment.Functions.Hosting;
using Segment.Functions.Tests.Hosting;

namespace Segment.Functions.Tests.Ingestion;

/// <summary>A real Kestrel server on loopback with the ingestion endpoint and two probe destinations, "A" and "B".</summary>
internal sealed class IngestionServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private IngestionServer(WebApplication app, string baseUrl, FakeTimeProvider time, Probe a, Probe b)
    {
        _app = app;
        A = a;
        B = b;
        Time = time;
        Client = new HttpClient { BaseAddress = new Uri(baseUrl) };
        BaseUrl = baseUrl;
    }

    public Probe A { get; }

    public Probe B { get; }

    public HttpClient Client { get; }

    public string BaseUrl { get; }

    public FakeTimeProvider Time { get; }

    public ISegmentFunctions Functions => _app.Services.GetRequiredService<ISegmentFunctions>();

    public IServiceProvider Services => _app.Services;

    public IDeliveryStore Store => _app.Services.GetRequiredService<IDeliveryStore>();

    /// <summary>The server's log lines (Debug and up).</summary>
    public FakeLogCollector Logs => _app.Services.GetFakeLogCollector();

    /// <param name="ingestion">The endpoint's options.</param>
    /// <param name="prefix">The route prefix; the options' when null.</param>
    /// <param name="host">The host's options (queue capacity, …).</param>
    /// <param name="web">More setup of the web application (Kestrel limits, …).</param>
    /// <param name="time">The clock; a fake one at 2026-03-04T05:06:07Z when null.</param>
    public static async Task<IngestionServer> StartAsync(
        Action<SegmentIngestionOptions>? ingestion = null,
        string? prefix = null,
        Action<SegmentFunctionsOptions>? host = null,
        Action<WebApplicationBuilder>? web = null,
        FakeTimeProvider? time = null)
    {
        time ??= new FakeTimeProvider(new DateTimeOffset(2026, 3, 4, 5, 6, 7, TimeSpan.Zero));
        var a = new Probe();
        var b = new Probe();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddFakeLogging();
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddSingleton<TimeProvider>(time);
        web?.Invoke(builder);
        builder.Services.AddSegmentFunctions(host)
            .AddDestination<ProbeFunction, ProbeSettings>("A", s => s.Probe = a)
            .AddDestination<ProbeFunction, ProbeSettings>("B", s => s.Probe = b)
            .AddIngestion(ingestion ?? (static _ => { }));
        var app = builder.Build();
        app.MapSegmentIngestion(prefix);
        await app.StartAsync();
        var url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new IngestionServer(app, url, time, a, b);
    }

    public Task<HttpResponseMessage> PostAsync(string path, string json, string? writeKey = null, string? contentType = "application/json")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(json)) };
        if (contentType is not null)
        {
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        if (writeKey is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(writeKey + ":")));
        }

        return Client.SendAsync(request);
    }

    public Task SettleAsync() => Functions.WaitForIdleAsync().WaitAsync(TimeSpan.FromSeconds(60));

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
