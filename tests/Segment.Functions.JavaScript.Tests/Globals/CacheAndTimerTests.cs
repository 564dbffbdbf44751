using System.Net;

namespace Segment.Functions.JavaScript.Tests.Globals;

/// <summary>cache.load/cache.delete on the destination's cache, and timers, on the harness's fake clock.</summary>
public class CacheAndTimerTests
{
    private const string TokenFunction = """
        async function onTrack(event, settings) {
          const token = await cache.load('token', 60 * 1000, async () => {
            const res = await fetch('https://auth.acme.test/token', { method: 'POST' });
            return (await res.json()).token;
          });
          console.log('token', token);
          if (event.event === 'Forget') cache.delete('token');
        }
        """;

    [Test]
    public async Task CacheLoad_CallsTheFactoryOnceUntilTheTtlPasses()
    {
        using var harness = Js.Harness(TokenFunction);
        var auth = harness.Http.On(HttpMethod.Post, "https://auth.acme.test/token")
            .Respond(HttpStatusCode.OK, "{\"token\":\"t1\"}")
            .Respond(HttpStatusCode.OK, "{\"token\":\"t2\"}");

        var first = await harness.RunAsync(SampleEvents.Track());
        var second = await harness.RunAsync(SampleEvents.Track());
        harness.Time.Advance(TimeSpan.FromSeconds(61));
        var third = await harness.RunAsync(SampleEvents.Track());

        Assert.That(new[] { first, second, third }.Select(r => r.Lines().Single()), Is.EqualTo(new[] { "token t1", "token t1", "token t2" }));
        Assert.That(auth.CallCount, Is.EqualTo(2));
        Assert.That(second.Requests, Is.Empty);
    }

    [Test]
    public async Task CacheDelete_RemovesTheValue()
    {
        using var harness = Js.Harness(TokenFunction);
        var auth = harness.Http.On(HttpMethod.Post, "https://auth.acme.test/token").Respond(HttpStatusCode.OK, "{\"token\":\"t\"}");

        await harness.RunAsync(SampleEvents.Track() with { Event = "Forget" });
        await harness.RunAsync(SampleEvents.Track());

        Assert.That(auth.CallCount, Is.EqualTo(2));
    }

    [Test]
    public async Task CacheLoad_KeepsObjects_AndARejectedFactoryIsNotCached()
    {
        using var harness = Js.Harness("""
            let attempts = 0;
            async function onTrack() {
              try {
                await cache.load('k', -1, async () => { attempts++; throw new Error('down'); });
              } catch (err) { console.log('failed', err.message); }
              const value = await cache.load('k', -1, async () => { attempts++; return { id: 7, tags: ['x'] }; });
              console.log(value.id, value.tags[0], attempts);
            }
            """);

        var run = await harness.RunAsync(SampleEvents.Track());

        Assert.That(run.Lines(), Is.EqualTo(new[] { "failed down", "7 x 2" }));
    }

    [Test]
    public async Task SetTimeout_WaitsOnTheHarnessClock()
    {
        using var harness = Js.Harness("""
            async function onTrack() {
              const cancelled = setTimeout(() => console.log('never'), 10);
              clearTimeout(cancelled);
              setImmediate(() => console.log('immediate'));
              await new Promise(resolve => setTimeout(resolve, 2000));
              console.log('after', Date.now() - Date.parse('2026-01-01T00:00:00Z'));
            }
            """);

        var running = harness.RunAsync(SampleEvents.Track());
        Assert.That(running.IsCompleted, Is.False, "the timer waits for the clock");
        harness.Time.Advance(TimeSpan.FromSeconds(2));
        var run = await running;

        Assert.That(run.Lines(), Is.EqualTo(new[] { "immediate", "after 2000" }));
    }
}
