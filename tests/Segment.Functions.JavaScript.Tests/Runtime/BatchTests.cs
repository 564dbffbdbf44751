namespace Segment.Functions.JavaScript.Tests.Runtime;

/// <summary>onBatch: a status list only when every element is an object with a numeric status.</summary>
public class BatchTests
{
    private static readonly SegmentEvent[] Events = [SampleEvents.Track(), SampleEvents.Identify(), SampleEvents.Track()];

    [Test]
    public async Task OnBatch_ReturningStatuses_DecidesPerEvent()
    {
        using var harness = Js.Harness("""
            async function onBatch(events, settings) {
              console.log(events.length, events.map(e => e.type).join(','));
              return [{ status: 200 }, { status: 400, errorMessage: 'Bad Request' }, { status: 503, errorMessage: 'Try later' }];
            }
            async function onTrack() {}
            """);

        var run = await harness.RunBatchAsync(Events);

        Assert.That(harness.Function.SupportsBatching, Is.True);
        Assert.That(harness.Function.GetType().GetMethod(nameof(JavaScriptFunction.OnBatch))!.DeclaringType, Is.Not.EqualTo(typeof(DestinationFunction<FunctionSettings>)), "the host batches a function whose class overrides OnBatch");
        Assert.That(run.Outcomes.Select(s => (s.Kind, s.Reason)), Is.EqualTo(new[]
        {
            (OutcomeKind.Delivered, OutcomeReason.None),
            (OutcomeKind.Discarded, OutcomeReason.MessageRejected),
            (OutcomeKind.Retry, OutcomeReason.Retry),
        }));
        Assert.That(run.Outcomes[1].Error!.Message, Is.EqualTo("Bad Request"));
        Assert.That(run.Lines(), Is.EqualTo(new[] { "3 track,identify,track" }));
    }

    [TestCase("const byType = {}; for (const e of events) (byType[e.type] = byType[e.type] || []).push(e); return Promise.all(Object.keys(byType).map(async t => t));")]
    [TestCase("return [{ status: 200 }, { status: '500' }, { status: 500 }];")]
    [TestCase("return [];")]
    [TestCase("return { status: 500 };")]
    [TestCase("return;")]
    public async Task OnBatch_ReturningAnythingElse_DeliversTheBatch(string body)
    {
        using var harness = Js.Harness($"async function onBatch(events) {{ {body} }}");

        var run = await harness.RunBatchAsync(Events);

        Assert.That(run.Outcomes.Select(s => s.Kind), Is.All.EqualTo(OutcomeKind.Delivered), run.ToString());
    }

    [Test]
    public async Task OnBatch_Throwing_DecidesForTheWholeBatch()
    {
        using var harness = Js.Harness("async function onBatch() { throw new RetryError('upstream down'); }");

        var run = await harness.RunBatchAsync(Events);

        Assert.That(run.Outcomes.Select(s => s.Reason), Is.All.EqualTo(OutcomeReason.Retry));
    }

    [Test]
    public async Task WithoutOnBatch_TheFunctionDoesNotBatch()
    {
        using var harness = Js.Harness("async function onTrack() {}");

        var run = await harness.RunBatchAsync(Events);

        Assert.That(harness.Function.SupportsBatching, Is.False);
        Assert.That(harness.Function.GetType().GetMethod(nameof(JavaScriptFunction.OnBatch))!.DeclaringType, Is.EqualTo(typeof(DestinationFunction<FunctionSettings>)), "so the host sends it single events only");
        Assert.That(run.Error!.Message, Is.EqualTo("batch is not supported"));
    }
}
