using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;

namespace Segment.Functions.JavaScript.Tests.Hosting;

/// <summary>JavaScript destinations in the host: AddSegmentFunctions + AddJavaScriptDestination + SendAsync + delivery records.</summary>
public class HostTests
{
    private const string Forwarder = """
        async function onTrack(event, settings) {
          const res = await fetch(settings.endpoint, {
            method: 'post',
            headers: { Authorization: 'Bearer ' + settings.apiKey, 'Content-Type': 'application/json' },
            body: JSON.stringify({ event: event.event, userId: event.userId })
          });
          console.log('sent', event.messageId, 'with', settings.apiKey, '->', res.status);
          if (res.status === 409) throw new RetryError(`HTTP Status ${res.status}`);
          if (res.status === 400) throw new ValidationError(await res.text());
        }
        async function onIdentify(event) { console.log('identify', event.userId); }
        """;

    private static FunctionSettings Settings() => new FunctionSettings()
        .Set("endpoint", "https://api.acme.test/track")
        .Set("apiKey", "sk-host-secret", encrypted: true);

    [Test]
    public async Task Events_AreDeliveredAndRecorded_PerHandler()
    {
        await using var host = await JsTestHost.StartAsync(null,
            b => b.AddJavaScriptDestination("Acme (JS)", Forwarder, Settings()),
            api => api.On(HttpMethod.Post, "https://api.acme.test/track").Respond(HttpStatusCode.OK));

        await host.SendJsonAsync("""{"type":"track","event":"Signed Up","userId":"u-1","messageId":"m-1"}""");
        await host.SendJsonAsync("""{"type":"identify","userId":"u-1","messageId":"m-2"}""");
        await host.SendJsonAsync("""{"type":"alias","userId":"u-1","previousId":"a-1","messageId":"m-3"}""");
        await host.SettleAsync();

        var records = host.Records("Acme (JS)").ToDictionary(r => r.MessageId);
        Assert.That((records["m-1"].State, records["m-1"].Attempts), Is.EqualTo((DeliveryState.Delivered, 1)));
        Assert.That(records["m-2"].State, Is.EqualTo(DeliveryState.Delivered));
        Assert.That((records["m-3"].Reason, records["m-3"].Error!.Message), Is.EqualTo((OutcomeReason.UnsupportedEventType, "alias is not supported")));
        Assert.That(host.Api.Received.Single().Headers.Authorization!.Parameter, Is.EqualTo("sk-host-secret"));
    }

    [Test]
    public async Task RetryError_IsRetriedByTheHost_UntilDelivered()
    {
        await using var host = await JsTestHost.StartAsync(null,
            b => b.AddJavaScriptDestination("Acme (JS)", Forwarder, Settings()),
            api => api.On(HttpMethod.Post, "https://api.acme.test/track").Respond(HttpStatusCode.Conflict).Respond(HttpStatusCode.OK));

        await host.SendJsonAsync("""{"type":"track","event":"Signed Up","userId":"u-1","messageId":"m-1"}""");
        await host.SettleAsync();
        var first = host.Records("Acme (JS)").Single();
        for (var step = 0; step < 100 && host.Functions.GetCounts("Acme (JS)").Delivered == 0; step++)
        {
            host.Time.Advance(TimeSpan.FromMinutes(1));
            await host.SettleAsync();
        }

        Assert.That((first.State, first.Error!.Message), Is.EqualTo((DeliveryState.Retrying, "HTTP Status 409")));
        Assert.That(first.Logs, Does.Contain("sent m-1 with *** -> 409").And.Not.Contain("sk-host-secret"));
        Assert.That(first.HttpTraces.Single().Url, Is.EqualTo("https://api.acme.test/track"));
        var last = host.Records("Acme (JS)").Last();
        Assert.That((last.State, last.Attempts), Is.EqualTo((DeliveryState.Delivered, 2)));
    }

    [Test]
    public async Task OnBatch_StatusesAreRecordedPerEvent()
    {
        const string source = """
            async function onBatch(events, settings) {
              return events.map(e => e.properties.ok ? { status: 200 } : { status: 400, errorMessage: 'rejected ' + e.messageId });
            }
            async function onTrack() { throw new Error('single events are not expected here'); }
            """;
        await using var host = await JsTestHost.StartAsync(
            o =>
            {
                o.MaxConcurrency = 1;
                o.Batching.MaxSize = 3;
                o.Batching.LowVolumeEventsPerSecond = 0;
            },
            b => b.AddJavaScriptDestination("Batcher (JS)", source, "{}"));

        for (var i = 1; i <= 3; i++)
        {
            var ok = i != 2 ? "true" : "false";
            await host.SendJsonAsync($$$"""{"type":"track","event":"E","userId":"u","messageId":"m-{{{i}}}","properties":{"ok":{{{ok}}}}}""");
        }

        await host.SettleAsync();

        var records = host.Records("Batcher (JS)").ToDictionary(r => r.MessageId);
        Assert.That(records["m-1"].State, Is.EqualTo(DeliveryState.Delivered));
        Assert.That((records["m-2"].Reason, records["m-2"].Error!.Message), Is.EqualTo((OutcomeReason.MessageRejected, "rejected m-2")));
        Assert.That(records["m-3"].State, Is.EqualTo(DeliveryState.Delivered));
    }

    [Test]
    public async Task Settings_FromJsonAndConfiguration_ReachTheScript_AndSecretsAreRedacted()
    {
        const string source = """
            async function onTrack(event, settings) {
              await fetch('https://api.acme.test/echo', { method: 'POST', body: JSON.stringify(settings) });
              throw new ValidationError('stop here so the record keeps the trace');
            }
            """;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Js:apiKey"] = "config-secret",
            ["Js:enabled"] = "true",
            ["Js:tags:0"] = "a",
            ["Js:tags:1"] = "b",
            ["Js:mapping:plan"] = "tier",
        }).Build();
        var bodies = new System.Collections.Concurrent.ConcurrentBag<string>();
        await using var host = await JsTestHost.StartAsync(null,
            b => b
                .AddJavaScriptDestination("From JSON", source, """{"apiKey":"json-secret","enabled":false,"tags":["x"]}""", ["apiKey"])
                .AddJavaScriptDestination("From configuration", source, configuration.GetSection("Js"), ["apiKey"]),
            api => api.On(HttpMethod.Post, "https://api.acme.test/echo").Respond(request =>
            {
                bodies.Add(JsonNode.Parse(request.Content!.ReadAsStringAsync().Result)!.ToJsonString());
                return new HttpResponseMessage(HttpStatusCode.OK);
            }));

        await host.SendJsonAsync("""{"type":"track","event":"E","userId":"u","messageId":"m-1"}""");
        await host.SettleAsync();

        Assert.That(bodies.Order(), Is.EqualTo(new[]
        {
            """{"apiKey":"config-secret","enabled":true,"mapping":{"plan":"tier"},"tags":["a","b"]}""",
            """{"apiKey":"json-secret","enabled":false,"tags":["x"]}""",
        }));
        foreach (var destination in new[] { "From JSON", "From configuration" })
        {
            var record = host.Records(destination).Single();
            Assert.That(record.HttpTraces.Single().RequestBody, Does.Contain("\"apiKey\":\"***\""));
        }
    }

    [Test]
    public async Task Engines_RunConcurrentlyUpToMaxConcurrency()
    {
        const string source = """
            async function onTrack(event) { await fetch('https://api.acme.test/slow/' + event.messageId); }
            """;
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var function = (JavaScriptFunction?)null;
        await using var host = await JsTestHost.StartAsync(
            o => o.MaxConcurrency = 2,
            b => b.AddDestination("Slow (JS)", new FunctionSettings(), services => function = JavaScriptFunction.Factory(source)(services)),
            api => api.On(HttpMethod.Get, "https://api.acme.test/slow/*").Respond(async (request, cancellationToken) =>
            {
                await gate.Task.WaitAsync(cancellationToken);
                return new HttpResponseMessage(HttpStatusCode.OK);
            }));

        for (var i = 0; i < 6; i++)
        {
            await host.SendJsonAsync($$"""{"type":"track","event":"E","userId":"u","messageId":"m-{{i}}"}""");
        }

        var started = TimeProvider.System.GetTimestamp();
        while (host.Api.Received.Count < 2 && TimeProvider.System.GetElapsedTime(started) < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(TimeSpan.FromMilliseconds(10), TimeProvider.System);
        }

        var inFlight = host.Api.Received.Count;
        gate.SetResult();
        await host.SettleAsync();

        Assert.That(inFlight, Is.EqualTo(2), "two invocations awaited their fetch at the same time");
        Assert.That(host.Functions.GetCounts("Slow (JS)").Delivered, Is.EqualTo(6));
        Assert.That((function!.MaxEngines, function.EnginesCreated), Is.EqualTo((2, 2)));
    }

    [Test]
    public async Task AwaitedFetch_IsCutAtTheHostTimeout_AndRecordedAsTimeout()
    {
        const string source = "async function onTrack() { await fetch('https://api.acme.test/hang'); }";
        await using var host = await JsTestHost.StartAsync(null,
            b => b.AddJavaScriptDestination("Hang (JS)", source, new FunctionSettings()),
            api => api.On(HttpMethod.Get, "https://api.acme.test/hang").Respond(async (request, cancellationToken) =>
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
                return new HttpResponseMessage(HttpStatusCode.OK);
            }));

        await host.SendJsonAsync("""{"type":"track","event":"E","userId":"u","messageId":"m-1"}""");
        var started = TimeProvider.System.GetTimestamp();
        while (host.Records("Hang (JS)").Length == 0 && TimeProvider.System.GetElapsedTime(started) < TimeSpan.FromSeconds(30))
        {
            host.Time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(TimeSpan.FromMilliseconds(10), TimeProvider.System);
        }

        var record = host.Records("Hang (JS)").First();
        Assert.That((record.State, record.Reason), Is.EqualTo((DeliveryState.Retrying, OutcomeReason.Timeout)));
    }
}
