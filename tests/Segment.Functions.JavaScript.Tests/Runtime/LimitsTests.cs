using System.Net;

namespace Segment.Functions.JavaScript.Tests.Runtime;

/// <summary>
/// Runaway scripts fail only their own invocation: script time, recursion and memory are limited, the
/// host's timeout covers awaits, and the engine that broke a limit is replaced.
/// </summary>
public class LimitsTests
{
    private static readonly JavaScriptOptions Tight = new() { MaxScriptTime = TimeSpan.FromMilliseconds(300), MaxMemoryBytes = 8 * 1024 * 1024, MaxRecursionDepth = 100 };

    // Memory bombs get time to reach the memory limit even on a busy machine.
    private static readonly JavaScriptOptions TightMemory = new() { MaxScriptTime = TimeSpan.FromSeconds(20), MaxMemoryBytes = 8 * 1024 * 1024 };

    private static FunctionHarness<JavaScriptFunction> Harness(string misbehaviour, JavaScriptOptions? options = null) => Js.Harness($$"""
        let calls = 0;
        async function onTrack(event) {
          calls++;
          if (event.event === 'Misbehave') { {{misbehaviour}} }
          console.log('calls', calls);
        }
        """, options: options ?? Tight);

    [TestCase("while (true) {}", "JavaScriptOptions.MaxScriptTime")]
    [TestCase("try { for (;;) {} } catch (e) { console.log('caught'); }", "JavaScriptOptions.MaxScriptTime")]
    // Each await allocates: whichever of the two limits this loop meets first ends it.
    [TestCase("let n = 0; while (true) { await null; n++; }", "JavaScriptOptions.Max")]
    [TestCase("(function down() { down(); })();", "Maximum call stack size exceeded")]
    [TestCase("let s = 'x'; while (true) s += s;", "JavaScriptOptions.MaxMemoryBytes")]
    [TestCase("const a = []; while (true) a.push({ n: a.length });", "JavaScriptOptions.MaxMemoryBytes")]
    public async Task Runaway_FailsThatInvocation_AndTheNextRunsOnAFreshEngine(string misbehaviour, string named)
    {
        using var harness = Harness(misbehaviour, named.Contains("Memory", StringComparison.Ordinal) ? TightMemory : Tight);
        var warm = await harness.RunAsync(SampleEvents.Track());

        var runaway = await harness.RunAsync(SampleEvents.Track() with { Event = "Misbehave" });
        var next = await harness.RunAsync(SampleEvents.Track());

        Assert.That(warm.Lines(), Is.EqualTo(new[] { "calls 1" }));
        Assert.That((runaway.Outcome, runaway.Reason), Is.EqualTo((OutcomeKind.Discarded, OutcomeReason.UnknownError)));
        Assert.That(runaway.Error!.Message, Does.Contain(named));
        Assert.That(runaway.Lines(), Does.Not.Contain("caught"), "a limit cannot be caught by the script");
        Assert.That(next.Outcome, Is.EqualTo(OutcomeKind.Delivered), next.ToString());
        Assert.That(next.Lines(), Is.EqualTo(new[] { "calls 1" }), "the engine that broke a limit was replaced, so module state starts over");
    }

    [TestCase("let o = {}; for (let i = 0; i < 200000; i++) o = { o }; JSON.stringify(o);")]
    [TestCase("let a = []; for (let i = 0; i < 200000; i++) a = [a]; String(a);")]
    public async Task DeepNativeRecursion_IsARangeError_NotADeadProcess(string misbehaviour)
    {
        using var harness = Harness(misbehaviour, new JavaScriptOptions());

        var run = await harness.RunAsync(SampleEvents.Track() with { Event = "Misbehave" });

        Assert.That(run.Error!.Message, Is.EqualTo("RangeError: Maximum call stack size exceeded"));
    }

    [Test]
    public async Task OrdinaryErrors_KeepTheEngineAndItsState()
    {
        using var harness = Harness("throw new ValidationError('no');");

        await harness.RunAsync(SampleEvents.Track());
        await harness.RunAsync(SampleEvents.Track() with { Event = "Misbehave" });
        var next = await harness.RunAsync(SampleEvents.Track());

        Assert.That(next.Lines(), Is.EqualTo(new[] { "calls 3" }));
    }

    [Test]
    public async Task NeverSettlingPromise_TimesOutAtTheHostTimeout_AndIsRetried()
    {
        using var harness = Harness("await new Promise(() => {});");

        var running = harness.RunAsync(SampleEvents.Track() with { Event = "Misbehave" });
        harness.Time.Advance(harness.Options.Timeout);
        var run = await running;
        var next = await harness.RunAsync(SampleEvents.Track());

        Assert.That((run.Outcome, run.Reason), Is.EqualTo((OutcomeKind.Retry, OutcomeReason.Timeout)));
        Assert.That(next.Outcome, Is.EqualTo(OutcomeKind.Delivered));
    }

    [Test]
    public async Task AwaitedFetchThatNeverAnswers_TimesOutAtTheHostTimeout()
    {
        using var harness = Harness("await fetch('https://slow.acme.test/');");
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        harness.Http.On(HttpMethod.Get, "https://slow.acme.test/").Respond(async (request, cancellationToken) =>
        {
            var never = new TaskCompletionSource<HttpResponseMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
            await using var registration = cancellationToken.Register(() =>
            {
                cancelled.TrySetResult();
                never.TrySetCanceled(cancellationToken);
            });
            return await never.Task;
        });

        var running = harness.RunAsync(SampleEvents.Track() with { Event = "Misbehave" });
        harness.Time.Advance(harness.Options.Timeout);
        var run = await running;

        Assert.That(run.Reason, Is.EqualTo(OutcomeReason.Timeout));
        await cancelled.Task.WaitAsync(TimeSpan.FromSeconds(10), TimeProvider.System);
        Assert.That(cancelled.Task.IsCompletedSuccessfully, Is.True, "the request was cancelled with the invocation");
    }

    [Test]
    public async Task Limits_DoNotStopOrdinaryWork()
    {
        using var harness = Js.Harness("""
            function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
            async function onTrack() {
              const rows = [];
              for (let i = 0; i < 2000; i++) rows.push({ i, text: 'row ' + i });
              console.log(fib(18), JSON.stringify(rows).length > 10000);
            }
            """);
        harness.Http.On(HttpMethod.Get, "https://unused.acme.test/").Respond(HttpStatusCode.OK);

        var run = await harness.RunAsync(SampleEvents.Track());

        Assert.That(run.Lines(), Is.EqualTo(new[] { "2584 true" }));
    }
}
