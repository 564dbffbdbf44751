using System.Net;
using Acme;
using Segment.Functions;
using Segment.Functions.Testing;

// The main job on the embedded in-memory default: the Acme function runs every sample event and a
// batch through the same invocation path the host uses, against a scripted in-memory API that
// fails some requests, and prints what Segment's editor would show for each run.
using var harness = new FunctionHarness<AcmeFunction, AcmeSettings>(
    new AcmeSettings { ApiKey = "sample-secret-key", Endpoint = "https://api.acme.test/events" });
harness.Http.On(HttpMethod.Post, "https://api.acme.test/events")
    .Respond(HttpStatusCode.OK, "{\"ok\":true}")
    .Respond(HttpStatusCode.ServiceUnavailable)
    .Respond(HttpStatusCode.OK, "{\"ok\":true}");
harness.Http.On(HttpMethod.Post, "https://api.acme.test/events/batch").Respond(HttpStatusCode.OK, "{\"ok\":true}");

var totals = new Dictionary<string, int>();
async Task Show(string label, Task<FunctionRun> running)
{
    var run = await running;
    Console.WriteLine($"{label,-22} {run.Result}");
    foreach (var request in run.Requests)
    {
        Console.WriteLine($"{"",-22}   {request}");
    }

    foreach (var status in run.Statuses)
    {
        var key = status.Outcome == DeliveryOutcome.Delivered ? "delivered" : $"{status.Outcome} ({status.Reason.ToDisplayText()})".ToLowerInvariant();
        totals[key] = totals.GetValueOrDefault(key) + 1;
    }
}

Console.WriteLine("Segment.Functions sample: AcmeFunction on the in-memory harness");
Console.WriteLine();
await Show("track (200)", harness.RunAsync(SampleEvents.Track()));
await Show("track (503)", harness.RunAsync(SampleEvents.Track()));
await Show("track (200 again)", harness.RunAsync(SampleEvents.Track()));
foreach (var @event in SampleEvents.All().Skip(1))
{
    await Show(@event.Type, harness.RunAsync(@event));
}

await Show("batch of 3", harness.RunBatchAsync(SampleEvents.All().Take(3).ToArray()));
await Show("invalid JSON", harness.RunJsonAsync("{\"type\":\"track\",\"userId\":\"u1\"}"));

Console.WriteLine();
Console.WriteLine("Summary: " + string.Join(", ", totals.OrderBy(t => t.Key).Select(t => $"{t.Value} {t.Key}")));
return 0;
