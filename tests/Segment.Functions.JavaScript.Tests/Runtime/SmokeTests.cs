using System.Net;

namespace Segment.Functions.JavaScript.Tests.Runtime;

public class SmokeTests
{
    [Test]
    public async Task OnTrack_PostsWithFetch_IsDelivered()
    {
        using var harness = Js.Harness("""
            async function onTrack(event, settings) {
              const res = await fetch('https://api.acme.test/events', {
                method: 'post',
                headers: { 'Content-Type': 'application/json' },
                body: JSON.stringify({ name: event.event })
              });
              console.log('status', res.status, await res.text());
            }
            """);
        harness.Http.On(HttpMethod.Post, "https://api.acme.test/events").Respond(HttpStatusCode.OK, "{\"ok\":true}");

        var run = await harness.RunAsync(SampleEvents.Track());

        Assert.That(run.Outcome, Is.EqualTo(DeliveryOutcome.Delivered), run.ToString());
        Assert.That(run.Requests.Single().RequestBody, Is.EqualTo("{\"name\":\"Product Added\"}"));
        Assert.That(run.Lines(), Is.EqualTo(new[] { "status 200 {\"ok\":true}" }));
    }
}
