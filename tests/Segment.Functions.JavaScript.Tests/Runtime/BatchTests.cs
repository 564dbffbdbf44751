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
        Assert.That(((IDestinationFunction<FunctionSettings>)harness.Function).SupportsBatching, Is.True);
        Assert.That(run.Statuses.Select(s => (s.Outcome, s.Reason)), Is.EqualTo(new[]
        {
            (DeliveryOutcome.Delivered, OutcomeReason.None),
            (DeliveryOutcome.Discarded, OutcomeReason.MessageRejected),
            (DeliveryOutcome.Retry, OutcomeReason.Retry),
        }));
        Assert.That(run.Statuses[1].Error!.Message, Is.EqualTo("Bad Request"));
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

        Assert.That(run.Statuses.Select(s => s.Outcome), Is.All.EqualTo(DeliveryOutcome.Delivered), run.ToString());
    }

    [Test]
    public async Task OnBatch_Throwing_DecidesForTheWholeBatch()
    {
        using var harness = Js.Harness("async function onBatch() { throw new RetryError('upstream down'); }");

        var run = await harness.RunBatchAsync(Events);

        Assert.That(run.Statuses.Select(s => s.Reason), Is.All.EqualTo(OutcomeReason.Retry));
    }

    [Test]
    public async Task WithoutOnBatch_TheFunctionDoesNotBatch()
    {
        using var harness = Js.Harness("async function onTrack() {}");

        var run = await harness.RunBatchAsync(Events);

        Assert.That(((IDestinationFunction<FunctionSettings>)harness.Function).SupportsBatching, Is.False);
        Assert.That(run.Error!.Message, Is.EqualTo("batch is not supported"));
    }
}
