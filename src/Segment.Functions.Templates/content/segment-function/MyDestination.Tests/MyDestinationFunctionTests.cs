using System.Net;
using NUnit.Framework;
using Segment.Functions;
using Segment.Functions.Testing;

namespace MyDestination.Tests;

public class MyDestinationFunctionTests
{
    private const string Endpoint = "https://api.example.test/events";

    private static FunctionHarness<MyDestinationFunction, MyDestinationSettings> CreateHarness() =>
        new(new MyDestinationSettings { ApiKey = "test-secret-key", Endpoint = Endpoint });

    [Test]
    public async Task Track_IsDelivered()
    {
        using var harness = CreateHarness();
        harness.Http.On(HttpMethod.Post, Endpoint).Respond(HttpStatusCode.OK);

        var run = await harness.RunAsync(SampleEvents.Track());

        Assert.That(run.Outcome, Is.EqualTo(OutcomeKind.Delivered));
        Assert.That(run.Requests.Single().RequestBody, Does.Contain("event_name"));
    }

    [Test]
    public async Task Track_ServerError_IsRetried()
    {
        using var harness = CreateHarness();
        harness.Http.On(HttpMethod.Post, Endpoint).Respond(HttpStatusCode.ServiceUnavailable);

        var run = await harness.RunAsync(SampleEvents.Track());

        Assert.That(run.Outcome, Is.EqualTo(OutcomeKind.Retry));
        Assert.That(run.Error!.Message, Is.EqualTo("HTTP Status 503"));
    }

    [Test]
    public async Task Identify_IsNotSupported()
    {
        using var harness = CreateHarness();

        var run = await harness.RunAsync(SampleEvents.Identify());

        Assert.That(run.Outcome, Is.EqualTo(OutcomeKind.Discarded));
        Assert.That(run.Reason, Is.EqualTo(OutcomeReason.UnsupportedEventType));
    }

    [Test]
    public async Task ApiKey_NeverShowsInTheRun()
    {
        using var harness = CreateHarness();
        harness.Http.On(HttpMethod.Post, Endpoint).Respond(HttpStatusCode.InternalServerError);

        var run = await harness.RunAsync(SampleEvents.Track());

        Assert.That(run.ToString(), Does.Not.Contain("test-secret-key"));
        Assert.That(string.Join("\n", run.Requests.Select(r => r.ToString())), Does.Not.Contain("test-secret-key"));
    }
}
