using System.Net;
using Acme;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NUnit.Framework;
using Segment.Functions.Delivery;
using Segment.Functions.Hosting;
using Segment.Functions.Testing;
using Segment.Functions;

public class HostQuickstartTests
{
    [Test]
    public async Task Events_Sent_To_The_Host_Are_Delivered_And_Recorded()
    {
        var acmeApi = new FakeHttpHandler(); // stands in for the network in this test
        acmeApi.On(HttpMethod.Post, "https://api.acme.test/*").Respond(HttpStatusCode.OK);

        var builder = Host.CreateApplicationBuilder();
        builder.Services.ConfigureHttpClientDefaults(http => http.ConfigurePrimaryHttpMessageHandler(() => acmeApi));
        builder.Services
            .AddSegmentFunctions(options =>
            {
                options.Batching.MaxSize = 100; // OnBatch gets up to 100 events (default 20, at most 400)
                options.Retry.RetryWindow = TimeSpan.FromHours(1);
            })
            .AddDestination<AcmeFunction, AcmeSettings>("Acme (EU)", settings =>
            {
                settings.ApiKey = "eu-secret";
                settings.Endpoint = "https://api.acme.test/eu";
            })
            .AddDestination<AcmeFunction, AcmeSettings>(
                "Acme (US)",
                settings =>
                {
                    settings.ApiKey = "us-secret";
                    settings.Endpoint = "https://api.acme.test/us";
                },
                destination => destination.Filter = e => e is TrackEvent);

        using var host = builder.Build();
        await host.StartAsync();
        var functions = host.Services.GetRequiredService<ISegmentFunctions>();

        SendResult result = await functions.SendAsync("""{"type":"track","event":"Signed Up","userId":"u-1","messageId":"m-1"}"""u8.ToArray());
        await host.StopAsync(); // stops intake, delivers what is queued (up to ShutdownTimeout), reports what is left

        var deliveries = host.Services.GetRequiredService<IDeliveryStore>();
        var eu = await deliveries.QueryAsync(new DeliveryQuery("Acme (EU)") { Limit = 1 }); // newest first
        DeliveryRecord latest = eu[0];
        DeliveryCounts us = functions.GetCounts("Acme (US)"); // totals since start, kept by the host
        Assert.That(result.Routed, Is.EqualTo(2));
        Assert.That((latest.MessageId, latest.State, latest.Attempts), Is.EqualTo(("m-1", DeliveryState.Delivered, 1)));
        Assert.That(us.Delivered, Is.EqualTo(1));
    }
}
