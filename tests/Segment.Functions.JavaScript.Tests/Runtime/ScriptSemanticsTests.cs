using System.Net;

namespace Segment.Functions.JavaScript.Tests.Runtime;

/// <summary>How a source runs: sloppy mode inside a function scope, module state, the event and settings as plain objects.</summary>
public class ScriptSemanticsTests
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

        Assert.That(run.Outcome, Is.EqualTo(OutcomeKind.Delivered), run.ToString());
        Assert.That(run.Requests.Single().RequestBody, Is.EqualTo("{\"name\":\"Product Added\"}"));
        Assert.That(run.Lines(), Is.EqualTo(new[] { "status 200 {\"ok\":true}" }));
    }

    [Test]
    public async Task ModuleState_SurvivesBetweenCalls_IncludingUndeclaredGlobals()
    {
        using var harness = Js.Harness("""
            let calls = 0;
            async function onTrack(event) {
              calls++;
              lastEvent = event.event;          // undeclared: a global, as in sloppy mode
              console.log(calls, lastEvent, typeof globalThis.lastEvent);
            }
            """);

        var first = await harness.RunAsync(SampleEvents.Track());
        var second = await harness.RunAsync(SampleEvents.Track() with { Event = "Order Completed" });

        Assert.That(first.Lines().Concat(second.Lines()), Is.EqualTo(new[] { "1 Product Added string", "2 Order Completed string" }));
    }

    [Test]
    public async Task LeadingUseStrict_IsNotADirective()
    {
        using var harness = Js.Harness("""
            'use strict'
            async function onTrack(event) {
              leaked = 'sloppy';
              console.log(leaked, (function () { return this === globalThis; })());
            }
            """);

        var run = await harness.RunAsync(SampleEvents.Track());

        Assert.That(run.Outcome, Is.EqualTo(OutcomeKind.Delivered), run.ToString());
        Assert.That(run.Lines(), Is.EqualTo(new[] { "sloppy true" }));
    }

    [Test]
    public async Task LatentReferenceError_IsAcceptedAtRegistration_AndFailsAsTheSameError()
    {
        using var harness = Js.Harness("""
            async function onTrack(event) {
              if (event.event === 'Rare Event') {
                return respons.ok;
              }
            }
            """);

        var common = await harness.RunAsync(SampleEvents.Track());
        var rare = await harness.RunAsync(SampleEvents.Track() with { Event = "Rare Event" });

        Assert.That(common.Outcome, Is.EqualTo(OutcomeKind.Delivered));
        Assert.That((rare.Outcome, rare.Reason), Is.EqualTo((OutcomeKind.Discarded, OutcomeReason.UnknownError)));
        Assert.That(rare.Error, Is.EqualTo(new ErrorInfo(typeof(JavaScriptError).FullName!, "ReferenceError: respons is not defined")));
    }

    [Test]
    public async Task MissingHandler_IsEventNotSupported_AndSloppyAssignedHandlersWork()
    {
        using var harness = Js.Harness("""
            onIdentify = async function (event) { console.log('identify', event.userId); };
            const onPage = (event) => console.log('page', event.name);
            """);

        var identify = await harness.RunAsync(SampleEvents.Identify());
        var page = await harness.RunAsync(SampleEvents.Page());
        var alias = await harness.RunAsync(SampleEvents.Alias());

        Assert.That(harness.Function.Handlers, Is.EqualTo(new[] { "onIdentify", "onPage" }));
        Assert.That(identify.Outcome, Is.EqualTo(OutcomeKind.Delivered), identify.ToString());
        Assert.That(page.Outcome, Is.EqualTo(OutcomeKind.Delivered), page.ToString());
        Assert.That((alias.Reason, alias.Error!.Message), Is.EqualTo((OutcomeReason.UnsupportedEventType, "alias is not supported")));
    }

    [Test]
    public async Task EventAndSettings_ArePlainObjects()
    {
        var settings = new FunctionSettings()
            .Set("endpoint", "https://api.acme.test")
            .Set("enabled", true)
            .Set("tags", ["a", "b"])
            .Set("mapping", new Dictionary<string, string> { ["plan"] = "tier" })
            .Set("apiKey", "k-1", encrypted: true);
        using var harness = Js.Harness("""
            async function onTrack(event, settings) {
              console.log(Object.getPrototypeOf(event) === Object.prototype, Array.isArray(event.properties) , event.type, event.properties.price, typeof event.timestamp);
              console.log(typeof settings.enabled, settings.tags.length, settings.mapping.plan, settings.endpoint, settings.apiKey === 'k-1');
              event.properties.mutated = true;
              await fetch(settings.endpoint + '/e', { method: 'POST', body: JSON.stringify(event) });
            }
            """, settings);
        harness.Http.On(HttpMethod.Post, "https://api.acme.test/e").Respond(HttpStatusCode.OK);

        var run = await harness.RunAsync(SampleEvents.Track());

        Assert.That(run.Lines(), Is.EqualTo(new[] { "true false track 18.99 string", "boolean 2 tier https://api.acme.test true" }));
        Assert.That(run.Requests.Single().RequestBody, Does.Contain("\"messageId\":").And.Contain("\"mutated\":true"));
    }

    [Test]
    public async Task SourceWithTrailingLineComment_StillRuns()
    {
        using var harness = Js.Harness("async function onTrack() { console.log('ok') } // the end");

        var run = await harness.RunAsync(SampleEvents.Track());

        Assert.That(run.Lines(), Is.EqualTo(new[] { "ok" }));
    }

    [Test]
    public async Task Date_ReadsTheHarnessClock_InUtc()
    {
        var run = await Js.RunTrackAsync("console.log(new Date().toISOString(), new Date(0).getHours());");

        Assert.That(run.Lines(), Is.EqualTo(new[] { "2026-01-01T00:00:00.000Z 0" }));
    }
}
