using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Segment.Functions.Hosting;
using Segment.Functions.Http.Internal;

namespace Segment.Functions.Tests.Http;

/// <summary>Which primary handlers a destination's client turns System.Net.Http's activity off on, and which it leaves alone.</summary>
public sealed class QuietHttpClientTests
{
    [Test]
    public void WithoutActivity_TheFactoryDefaultHandler_IsSwappedForASocketsHandlerWithoutPropagator()
    {
        var primary = QuietHttpClient.WithoutActivity(new HttpClientHandler());

        Assert.That(primary, Is.TypeOf<SocketsHttpHandler>());
        Assert.That(((SocketsHttpHandler)primary).ActivityHeadersPropagator, Is.Null);
        primary.Dispose();
    }

    [Test]
    public void WithoutActivity_ASocketsHandler_LosesItsPropagatorAndKeepsItsSettings()
    {
        using var sockets = new SocketsHttpHandler { MaxConnectionsPerServer = 7 };

        var primary = QuietHttpClient.WithoutActivity(sockets);

        Assert.That(primary, Is.SameAs(sockets));
        Assert.That((sockets.ActivityHeadersPropagator, sockets.MaxConnectionsPerServer), Is.EqualTo(((DistributedContextPropagator?)null, 7)));
    }

    [Test]
    public void WithoutActivity_AConfiguredHttpClientHandler_IsLeftAsConfigured()
    {
        using var configured = new HttpClientHandler { Proxy = new WebProxy("http://127.0.0.1:3128") };

        Assert.That(QuietHttpClient.WithoutActivity(configured), Is.SameAs(configured));
    }

    [Test]
    public void WithoutActivity_AnotherHandler_IsLeftAlone()
    {
        using var fake = new FakeHttpHandler();

        Assert.That(QuietHttpClient.WithoutActivity(fake), Is.SameAs(fake));
    }

    [Test]
    public async Task DestinationClient_KeepsAPrimaryHandlerSetForEveryClient()
    {
        var fake = new FakeHttpHandler();
        fake.On(HttpMethod.Get, "https://api.test/*").Respond(HttpStatusCode.NoContent);
        var services = new ServiceCollection();
        services.ConfigureHttpClientDefaults(http => http.ConfigurePrimaryHttpMessageHandler(() => fake));
        services.AddSegmentFunctions().AddDestination<Hosting.ProbeFunction, Hosting.ProbeSettings>("Probe", _ => { });
        using var provider = services.BuildServiceProvider();

        using var client = provider.GetRequiredService<IHttpClientFactory>().CreateClient(SegmentFunctionsBuilder.HttpClientName("Probe"));
        using var response = await client.GetAsync("https://api.test/x");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NoContent), "the application's fake answered");
    }
}
