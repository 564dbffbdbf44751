using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Segment.Functions;
using Segment.Functions.AspNetCore;
using Segment.Functions.Hosting;

namespace Sample;

/// <summary>Serve mode: the sample's destinations behind the Tracking API endpoint, until Ctrl+C.</summary>
public static class Serve
{
    public static async Task<int> RunAsync(FakeApi api, SampleOptions options, DeliverySummary summary)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls(options.Urls);
        SampleDestinations.Add(builder.Services, builder.Logging, api, options, summary)
            .AddIngestion(o =>
            {
                if (options.WriteKey is { } key)
                {
                    o.WriteKeys.Add(new IngestionWriteKey { Key = key });
                }

                foreach (var origin in options.CorsOrigins)
                {
                    o.Cors.AllowedOrigins.Add(origin);
                }
            })
            .AddDashboard();
        // A port already taken is reported below in one line, not as the host's stack trace.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting", LogLevel.None);
        await using var app = builder.Build();
        app.MapSegmentIngestion();
        // Local requests only: no authorization policy is required here.
        app.MapSegmentFunctionsDashboard("/functions");
        try
        {
            await app.StartAsync();
        }
        catch (IOException e)
        {
            Console.Error.WriteLine($"Cannot listen on {options.Urls}: {e.Message} Choose another with --urls.");
            return 1;
        }

        var functions = app.Services.GetRequiredService<ISegmentFunctions>();
        Console.WriteLine($"Listening on {string.Join(", ", app.Urls)}: POST /v1/track, /v1/batch, … (Ctrl+C to stop)");
        Console.WriteLine($"Destinations {string.Join(", ", functions.Destinations)} deliver to a fake API at {api.BaseUrl}.");
        Console.WriteLine($"Delivery dashboard: {string.Join(", ", app.Urls.Select(u => u.TrimEnd('/') + "/functions"))} (from this machine only)");
        var progress = new Progress(functions, options.Progress);
        using (var timer = new PeriodicTimer(TimeSpan.FromSeconds(1)))
        {
            var stopping = app.Lifetime.ApplicationStopping;
            try
            {
                while (await timer.WaitForNextTickAsync(stopping))
                {
                    progress.Tick(sent: -1);
                }
            }
            catch (OperationCanceledException)
            {
                // Ctrl+C.
            }
        }

        await app.StopAsync();
        Console.WriteLine();
        Summary.Print(functions, summary);
        return 0;
    }
}
