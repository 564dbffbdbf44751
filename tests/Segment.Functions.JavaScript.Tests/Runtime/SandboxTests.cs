namespace Segment.Functions.JavaScript.Tests.Runtime;

/// <summary>Scripts see JavaScript values only: no .NET object, type, file system or process, and not the HttpClient behind fetch.</summary>
public class SandboxTests
{
    [Test]
    public async Task NoClrBridge_IsReachable()
    {
        var run = await Js.RunTrackAsync("""
            const g = Function('return this')();
            console.log(g === globalThis, ['System', 'importNamespace', 'clrHelper', 'host', 'process', 'require', 'Buffer'].map(n => typeof g[n]).join(','));
            console.log([fetch, fetch.constructor, fetch.__proto__, cache.load, console.log, crypto.createHash('md5'), new Headers(), new Response('x')]
              .map(o => typeof o.GetType + '/' + typeof o.ToString + '/' + typeof o.gettype).join(','));
            """);

        Assert.That(run.Lines(), Is.EqualTo(new[]
        {
            "true undefined,undefined,undefined,undefined,undefined,undefined,undefined",
            string.Join(",", Enumerable.Repeat("undefined/undefined/undefined", 8)),
        }));
    }

    [Test]
    public async Task WalkingEverythingReachable_FindsNoHostFunction()
    {
        // Breadth-first over own properties (values, getters, setters) and prototypes, from the global object,
        // every runtime object, and the objects fetch and friends return.
        using var harness = Js.Harness("""
            async function onTrack() {
            const response = await new Promise(resolve => resolve(new Response('{}', { status: 200 })));
            const roots = [globalThis, response, new Request('https://a.test/'), new URL('https://a.test/'), new URLSearchParams('a=1'),
              crypto.createHmac('sha1', 'k'), crypto.createHash('sha256').update('x').digest(), fetch('/relative').catch(e => e), onTrack, arguments];
            const seen = new Set();
            const queue = roots.slice();
            const found = [];
            for (let next = 0; next < queue.length && seen.size < 20000; next++) {
              const value = queue[next];
              if (value === null || (typeof value !== 'object' && typeof value !== 'function') || seen.has(value)) continue;
              seen.add(value);
              // The runtime names every host function "host:…".
              if (typeof value === 'function' && String(value.name).startsWith('host:')) found.push(value.name);
              let keys = [];
              try { keys = Reflect.ownKeys(value); } catch (e) {}
              for (const key of keys) {
                let d;
                try { d = Object.getOwnPropertyDescriptor(value, key); } catch (e) { continue; }
                if (!d) continue;
                for (const v of [d.value, d.get, d.set]) queue.push(v);
                if (d.get && !['caller', 'callee', 'arguments'].includes(key)) { try { queue.push(d.get.call(value)); } catch (e) {} }
              }
              try { queue.push(Object.getPrototypeOf(value)); } catch (e) {}
            }
            console.log(seen.size > 200, JSON.stringify(found));
            }
            """, options: new JavaScriptOptions { MaxScriptTime = TimeSpan.FromSeconds(60) });

        var run = await harness.RunAsync(SampleEvents.Track());

        Assert.That(run.Lines(), Is.EqualTo(new[] { "true []" }), run.ToString());
    }

    [Test]
    public async Task Eval_RunsJavaScriptOnly()
    {
        var run = await Js.RunTrackAsync("""
            console.log(eval('1 + 1'), new Function('a', 'return a * 2')(4), typeof eval('typeof importNamespace === "function" ? importNamespace("System.IO") : undefined'));
            """);

        Assert.That(run.Lines(), Is.EqualTo(new[] { "2 8 undefined" }));
    }
}
