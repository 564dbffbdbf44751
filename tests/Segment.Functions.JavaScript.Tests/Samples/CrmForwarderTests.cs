using System.Net;

namespace Segment.Functions.JavaScript.Tests.Samples;

/// <summary>The sample's JavaScript destination (samples/Segment.Functions.Sample/crm-forwarder.js), through the harness.</summary>
public class CrmForwarderTests
{
    private static FunctionHarness<JavaScriptFunction> CreateSut() => Js.Harness(
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Samples", "crm-forwarder.js")),
        new FunctionSettings().Set("endpoint", "https://crm.acme.test/").Set("apiKey", "crm-key", encrypted: true));

    [Test]
    public async Task Track_IsPostedAsAnActivity_WithBasicAuth()
    {
        using var harness = CreateSut();
        harness.Http.On(HttpMethod.Post, "https://crm.acme.test/crm/activities?source=segment").Respond(HttpStatusCode.OK);

        var run = await harness.RunAsync(SampleEvents.Track());

        Assert.That(run.Outcome, Is.EqualTo(OutcomeKind.Delivered), run.ToString());
        Assert.That(harness.Http.Received.Single().Headers.Authorization!.ToString(), Is.EqualTo("Basic " + Convert.ToBase64String("crm-key:"u8.ToArray())));
        Assert.That(run.Requests.Single().RequestBody, Does.Contain("\"activity\":\"Product Added\""));
    }

    [Test]
    public async Task ServerError_IsRetried_AndOtherTypesAreNotSupported()
    {
        using var harness = CreateSut();
        harness.Http.On(HttpMethod.Post, "https://crm.acme.test/crm/contacts?source=segment").Respond(HttpStatusCode.BadGateway);

        var identify = await harness.RunAsync(SampleEvents.Identify());
        var group = await harness.RunAsync(SampleEvents.Group());

        Assert.That((identify.Outcome, identify.Error!.Message), Is.EqualTo((OutcomeKind.Retry, "HTTP Status 502")));
        Assert.That(group.Reason, Is.EqualTo(OutcomeReason.UnsupportedEventType));
    }
}
