namespace Segment.Functions.JavaScript.Tests.Runtime;

/// <summary>Segment's error classes map to the C# errors (with their message); anything else is an Unknown Error.</summary>
public class ErrorTests
{
    [TestCase("EventNotSupported", OutcomeReason.UnsupportedEventType, OutcomeKind.Discarded)]
    [TestCase("InvalidEventPayload", OutcomeReason.BadRequest, OutcomeKind.Discarded)]
    [TestCase("ValidationError", OutcomeReason.MessageRejected, OutcomeKind.Discarded)]
    [TestCase("RetryError", OutcomeReason.Retry, OutcomeKind.Retry)]
    public async Task SegmentErrorClass_MapsToItsOutcome(string errorClass, OutcomeReason reason, OutcomeKind outcome)
    {
        var run = await Js.RunTrackAsync($"""
            const e = new {errorClass}('why: ' + event.event);
            console.log(e instanceof Error, e.name, e.message);
            throw e;
            """);

        Assert.That((run.Outcome, run.Reason), Is.EqualTo((outcome, reason)));
        Assert.That(run.Error, Is.EqualTo(new ErrorInfo(errorClass, "why: Product Added")));
        Assert.That(run.Lines(), Is.EqualTo(new[] { $"true {errorClass} why: Product Added" }));
    }

    [Test]
    public async Task SynchronousHandler_ThrowingSynchronously_IsMappedToo()
    {
        using var harness = Js.Harness("function onTrack(event) { throw new ValidationError('sync'); }");

        var run = await harness.RunAsync(SampleEvents.Track());

        Assert.That((run.Reason, run.Error!.Message), Is.EqualTo((OutcomeReason.MessageRejected, "sync")));
    }

    [TestCase("throw new Error('boom')", "Error: boom")]
    [TestCase("null.x", "TypeError: Cannot read properties of null (reading 'x')")]
    [TestCase("throw 'a string'", "a string")]
    [TestCase("class Custom extends Error {}; throw new Custom('mine')", "Error: mine")]
    [TestCase("throw { get message() { throw new Error('no'); } }", "a thrown value that cannot be described")]
    public async Task OtherErrors_AreUnknownErrorsAndDiscarded(string statement, string message)
    {
        var run = await Js.RunTrackAsync(statement);

        Assert.That((run.Outcome, run.Reason), Is.EqualTo((OutcomeKind.Discarded, OutcomeReason.UnknownError)));
        Assert.That(run.Error, Is.EqualTo(new ErrorInfo(typeof(JavaScriptError).FullName!, message)));
    }

    [Test]
    public async Task ErrorInTopLevelCode_FailsTheInvocation_AndIsTriedAgainOnAFreshEngine()
    {
        using var harness = Js.Harness("""
            starts = (typeof starts === 'number' ? starts : 0) + 1;
            if (Date.now() < Date.parse('2026-01-01T00:00:01Z')) throw new Error('cold start failed');
            async function onTrack() { console.log('starts', starts); }
            """);

        var first = await harness.RunAsync(SampleEvents.Track());
        harness.Time.Advance(TimeSpan.FromSeconds(1));
        var second = await harness.RunAsync(SampleEvents.Track());

        Assert.That(first.Error!.Message, Is.EqualTo("Error: cold start failed"));
        Assert.That(second.Lines(), Is.EqualTo(new[] { "starts 1" }), "a fresh engine has fresh globals");
    }

    [Test]
    public async Task ThrownSecret_IsRedactedInTheRecordedError()
    {
        var run = await Js.RunTrackAsync("throw new RetryError('bad key ' + settings.apiKey);", settings: new FunctionSettings().Set("apiKey", "s3cr3t-key", encrypted: true));

        Assert.That(run.Error!.Message, Is.EqualTo("bad key ***"));
    }
}
