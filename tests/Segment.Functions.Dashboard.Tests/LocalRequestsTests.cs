using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Segment.Functions.Dashboard.Internal;

namespace Segment.Functions.Dashboard.Tests;

/// <summary>Without an authorization policy only loopback requests are served; with one, the policy decides.</summary>
public sealed class LocalRequestsTests
{
    [TestCase("127.0.0.1", true)]
    [TestCase("127.0.0.2", true)]
    [TestCase("::1", true)]
    [TestCase("::ffff:127.0.0.1", true)]
    [TestCase("203.0.113.5", false)]
    [TestCase("10.0.0.7", false)]
    [TestCase("::ffff:203.0.113.5", false)]
    public void IsLoopback_ByRemoteAddress(string address, bool expected) =>
        Assert.That(LocalRequests.IsLoopback(IPAddress.Parse(address)), Is.EqualTo(expected));

    [Test]
    public void IsLoopback_UnknownRemoteAddress_IsNotLocal() => Assert.That(LocalRequests.IsLoopback(null), Is.False);

    [Test]
    public async Task RemoteRequest_WithoutPolicy_Gets403SayingHowToAllowIt()
    {
        await using var app = CreateApp(requirePolicy: false);

        var context = await InvokeOverviewAsync(app, IPAddress.Parse("203.0.113.5"));

        Assert.That(context.Response.StatusCode, Is.EqualTo(StatusCodes.Status403Forbidden));
        Assert.That(Body(context), Does.Contain("only local (loopback) requests").And.Contain(".RequireAuthorization(\"YourPolicy\")"));
    }

    [Test]
    public async Task LocalRequest_WithoutPolicy_IsServed()
    {
        await using var app = CreateApp(requirePolicy: false);

        var context = await InvokeOverviewAsync(app, IPAddress.Loopback);

        Assert.That(context.Response.StatusCode, Is.EqualTo(StatusCodes.Status200OK));
        Assert.That(Body(context), Does.Contain("<h1>Destinations</h1>"));
    }

    [Test]
    public async Task RemoteRequest_WithPolicy_IsLeftToTheAuthorizationMiddleware()
    {
        await using var app = CreateApp(requirePolicy: true);

        var context = await InvokeOverviewAsync(app, IPAddress.Parse("203.0.113.5"));

        Assert.That(context.Response.StatusCode, Is.EqualTo(StatusCodes.Status200OK));
    }

    [Test]
    public void Map_WithoutAddDashboard_ThrowsSayingWhatToCall()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Services.AddSegmentFunctions();
        using var app = builder.Build();

        var error = Assert.Throws<InvalidOperationException>(() => app.MapSegmentFunctionsDashboard("/functions"));

        Assert.That(error!.Message, Does.Contain("services.AddSegmentFunctions().AddDashboard()"));
    }

    private static WebApplication CreateApp(bool requirePolicy)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSegmentFunctions()
            .AddDestination<ShopFunction, ShopSettings>("Shop", s => s.Endpoint = "http://127.0.0.1:9")
            .AddDashboard();
        var app = builder.Build();
        var group = app.MapSegmentFunctionsDashboard("/functions");
        if (requirePolicy)
        {
            group.RequireAuthorization("Operators");
        }

        return app;
    }

    private static async Task<HttpContext> InvokeOverviewAsync(WebApplication app, IPAddress remote)
    {
        var endpoint = ((IEndpointRouteBuilder)app).DataSources.SelectMany(d => d.Endpoints).OfType<RouteEndpoint>()
            .Single(e => e.RoutePattern.RawText!.TrimEnd('/') == "/functions");
        var context = new DefaultHttpContext { RequestServices = app.Services };
        context.Connection.RemoteIpAddress = remote;
        context.Request.Method = "GET";
        context.Request.Path = "/functions";
        context.Response.Body = new MemoryStream();
        context.SetEndpoint(endpoint);
        await endpoint.RequestDelegate!(context);
        return context;
    }

    private static string Body(HttpContext context) => System.Text.Encoding.UTF8.GetString(((MemoryStream)context.Response.Body).ToArray());
}
