using System.Net;
using Acme;
using NUnit.Framework;
using Segment.Functions;
using Segment.Functions.Testing;

public class AcmeFunctionTests
{
    [Test]
    public async Task Track_Is_Delivered_And_The_Key_Stays_Secret()
    {
        using var harness = new FunctionHarness<AcmeFunction, AcmeSettings>(
            new AcmeSettings { ApiKey = "my-secret-key", Endpoint = "https://api.acme.test/events" });
        harness.Http.On(HttpMethod.Post, "https://api.acme.test/events").Respond(HttpStatusCode.OK);

        var run = await harness.RunAsync(SampleEvents.Track());

        Assert.That(run.Outcome, Is.EqualTo(OutcomeKind.Delivered));
        Assert.That(run.Requests.Single().RequestBody, Does.Contain("Product Added"));
    }

    [Test]
    public async Task A_503_Is_Retried()
    {
        using var harness = new FunctionHarness<AcmeFunction, AcmeSettings>(
            new AcmeSettings { ApiKey = "my-secret-key", Endpoint = "https://api.acme.test/events" });
        harness.Http.On(HttpMethod.Post, "https://api.acme.test/events").Respond(HttpStatusCode.ServiceUnavailable);

        var run = await harness.RunAsync(SampleEvents.Track());

        Assert.That(run.Outcome, Is.EqualTo(OutcomeKind.Retry));
        Assert.That(run.Error!.Message, Is.EqualTo("HTTP Status 503"));
    }
}
