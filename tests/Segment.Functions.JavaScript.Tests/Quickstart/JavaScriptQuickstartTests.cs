using System.Net;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;
using Segment.Functions;
using Segment.Functions.JavaScript;
using Segment.Functions.Testing;

public class JavaScriptQuickstartTests
{
    // Your function, exactly as it runs on Segment (usually read from its file).
    private const string Source = """
        async function onTrack(event, settings) {
          const res = await fetch(settings.endpoint, {
            method: 'post',
            headers: { Authorization: `Bearer ${settings.apiKey}`, 'Content-Type': 'application/json' },
            body: JSON.stringify({ event_name: event.event, event_properties: event.properties })
          });
          if (res.status >= 500 || res.status === 429) throw new RetryError(`HTTP Status ${res.status}`);
        }
        """;

    private static FunctionSettings Settings() => new FunctionSettings()
        .Set("endpoint", "https://api.acme.test/events")
        .Set("apiKey", "my-secret-key", encrypted: true);

    [Test]
    public async Task The_Harness_Runs_It_As_The_Host_Does()
    {
        using var harness = new FunctionHarness<JavaScriptFunction>(Settings(), JavaScriptFunction.Factory(Source));
        harness.Http.On(HttpMethod.Post, "https://api.acme.test/events").Respond(HttpStatusCode.ServiceUnavailable);

        var run = await harness.RunAsync(SampleEvents.Track());

        Assert.That(run.Outcome, Is.EqualTo(OutcomeKind.Retry));
        Assert.That(run.Error!.Message, Is.EqualTo("HTTP Status 503"));
    }

    [Test]
    public void The_Host_Runs_It_Beside_CSharp_Functions()
    {
        var services = new ServiceCollection();
        services.AddSegmentFunctions()
            .AddJavaScriptDestination("Acme (JavaScript)", Source, Settings());

        // A source that needs what this runtime lacks is refused here, not at the first event.
        var refused = Assert.Throws<JavaScriptSourceException>(() => services.AddSegmentFunctions()
            .AddJavaScriptDestination("Uses Buffer", "async function onTrack(e) { Buffer.from(e.userId) }", Settings()));
        Assert.That(refused!.UnsupportedGlobals, Is.EqualTo(new[] { "Buffer" }));
    }
}
