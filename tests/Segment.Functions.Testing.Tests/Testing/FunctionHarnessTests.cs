using System.Net;
using System.Text.Json.Nodes;
using Segment.Functions.Hosting;
using Segment.Functions.Testing;

namespace Segment.Functions.Tests.Testing;

public sealed class FunctionHarnessTests
{
    private const string Secret = "sk_live_S3cr3t+Value/42";
    private const string Endpoint = "https://api.example.test/track";

    private static FunctionHarness<ScriptedFunction, WebhookSettings> CreateSut(string apiKey = Secret) =>
        new(new WebhookSettings { ApiKey = apiKey, Endpoint = Endpoint });

    private static IdentifyEvent IdentifyThatThrows(string what)
    {
        var identify = SampleEvents.Identify();
        identify.Traits["throw"] = what;
        return identify;
    }

    [Test]
    public async Task RunAsync_TrackWith200_IsDeliveredAndTraced()
    {
        using var harness = CreateSut();
        harness.Http.On(HttpMethod.Post, Endpoint + "*").Respond(HttpStatusCode.OK, "{\"ok\":true}");

        var run = await harness.RunAsync(SampleEvents.Track());

        Assert.That(run.Outcome, Is.EqualTo(OutcomeKind.Delivered));
        Assert.That(run.Reason, Is.EqualTo(OutcomeReason.None));
        Assert.That(run.Requests, Has.Count.EqualTo(1));
        Assert.That(run.Requests[0].StatusCode, Is.EqualTo(200));
        Assert.That(run.Requests[0].ResponseBody, Is.EqualTo("{\"ok\":true}"));
        Assert.That(run.Logs, Does.Contain("Sending Product Added for user-1234"));
    }

    [TestCase(HttpStatusCode.InternalServerError)]
    [TestCase(HttpStatusCode.TooManyRequests)]
    public async Task RunAsync_TrackWithRetryableStatus_IsRetry(HttpStatusCode status)
    {
        using var harness = CreateSut();
        harness.Http.On(HttpMethod.Post, Endpoint + "*").Respond(status);

        var run = await harness.RunAsync(SampleEvents.Track());

        Assert.That(run.Outcome, Is.EqualTo(OutcomeKind.Retry));
        Assert.That(run.Reason, Is.EqualTo(OutcomeReason.Retry));
        Assert.That(run.Error!.Message, Is.EqualTo($"HTTP Status {(int)status}"));
    }

    [Test]
    public async Task RunAsync_NetworkErrorFromFakeHttp_IsRetryWithTheErrorTraced()
    {
        using var harness = CreateSut();
        harness.Http.On(HttpMethod.Post, Endpoint + "*").Throw(new HttpRequestException("Connection refused"));

        var run = await harness.RunAsync(SampleEvents.Track());

        Assert.That(run.Outcome, Is.EqualTo(OutcomeKind.Retry));
        Assert.That(run.Error!.Type, Is.EqualTo("RetryError"));
        Assert.That(run.Error.Message, Is.EqualTo("Connection refused"));
        Assert.That(run.Requests[0].StatusCode, Is.Null);
        Assert.That(run.Requests[0].Error, Does.Contain("Connection refused"));
    }

    [Test]
    public void RunAsync_UnmatchedRequest_FailsLoudlyShowingTheRequest()
    {
        using var harness = CreateSut();
        harness.Http.On(HttpMethod.Get, "https://elsewhere.test/").Respond(HttpStatusCode.OK);

        var error = Assert.ThrowsAsync<UnmatchedRequestException>(() => harness.RunAsync(SampleEvents.Track()));

        Assert.That(error!.Message, Does.Contain("POST " + Endpoint));
        Assert.That(error.Message, Does.Contain("Product Added"));
    }

    [Test]
    public async Task RunAsync_FakeRouteWithSeveralAnswers_UsesThemInOrderThenRepeatsTheLast()
    {
        using var harness = CreateSut();
        var route = harness.Http.On(HttpMethod.Post, Endpoint + "*").Respond(HttpStatusCode.ServiceUnavailable).Respond(HttpStatusCode.OK);

        var first = await harness.RunAsync(SampleEvents.Track());
        var second = await harness.RunAsync(SampleEvents.Track());
        var third = await harness.RunAsync(SampleEvents.Track());

        Assert.That(new[] { first.Outcome, second.Outcome, third.Outcome }, Is.EqualTo(new[] { OutcomeKind.Retry, OutcomeKind.Delivered, OutcomeKind.Delivered }));
        Assert.That(route.CallCount, Is.EqualTo(3));
    }

    [TestCase("EventNotSupported", OutcomeKind.Discarded, OutcomeReason.UnsupportedEventType, "Unsupported Event Type")]
    [TestCase("InvalidEventPayload", OutcomeKind.Discarded, OutcomeReason.BadRequest, "Bad Request")]
    [TestCase("ValidationError", OutcomeKind.Discarded, OutcomeReason.MessageRejected, "Message Rejected")]
    [TestCase("InvalidSettings", OutcomeKind.Discarded, OutcomeReason.InvalidSettings, "Invalid Settings")]
    [TestCase("RetryError", OutcomeKind.Retry, OutcomeReason.Retry, "Retry")]
    [TestCase("Other", OutcomeKind.Discarded, OutcomeReason.UnknownError, "Unknown Error")]
    public async Task RunAsync_HandlerThrows_MapsToOutcome(string what, OutcomeKind outcome, OutcomeReason reason, string display)
    {
        using var harness = CreateSut();

        var run = await harness.RunAsync(IdentifyThatThrows(what));

        Assert.That(run.Outcome, Is.EqualTo(outcome));
        Assert.That(run.Reason, Is.EqualTo(reason));
        Assert.That(run.Reason.ToDisplayText(), Is.EqualTo(display));
        Assert.That(run.Error, Is.Not.Null);
    }

    [Test]
    public async Task RunAsync_UnknownException_KeepsTypeAndMessageWithSecretRedacted()
    {
        using var harness = CreateSut();

        var run = await harness.RunAsync(IdentifyThatThrows("Other"));

        Assert.That(run.Error!.Type, Is.EqualTo("System.InvalidOperationException"));
        Assert.That(run.Error.Message, Is.EqualTo("boom with ***"));
    }

    [Test]
    public async Task RunAsync_HandlerNotOverridden_IsUnsupportedEventTypeNamingTheType()
    {
        using var harness = new FunctionHarness<EmptyFunction, WebhookSettings>(new WebhookSettings { ApiKey = "unused-key-123", Endpoint = Endpoint });

        foreach (var @event in SampleEvents.All())
        {
            var run = await harness.RunAsync(@event);
            Assert.That(run.Reason, Is.EqualTo(OutcomeReason.UnsupportedEventType), @event.Type);
            Assert.That(run.Error!.Message, Is.EqualTo($"{@event.Type} is not supported"));
        }

        Assert.That(harness.SupportsBatching, Is.False);
    }

    [Test]
    public async Task RunAsync_EachHandler_IsCalledForItsType()
    {
        using var harness = CreateSut();
        harness.Http.On(HttpMethod.Post, Endpoint + "*").Respond(HttpStatusCode.OK);

        var track = await harness.RunAsync(SampleEvents.Track());
        var identify = await harness.RunAsync(SampleEvents.Identify());
        var groupRun = await harness.RunAsync(SampleEvents.Group());
        var alias = await harness.RunAsync(SampleEvents.Alias());
        var delete = await harness.RunAsync(SampleEvents.Delete());

        Assert.That(track.Requests, Has.Count.EqualTo(1), "OnTrack posts");
        Assert.That(identify.Outcome, Is.EqualTo(OutcomeKind.Delivered), "OnIdentify returns");
        Assert.That(harness.Function.LastToken, Is.EqualTo("token-1"), "OnGroup reads the cache");
        Assert.That(groupRun.Outcome, Is.EqualTo(OutcomeKind.Delivered));
        Assert.That(alias.Reason, Is.EqualTo(OutcomeReason.UnsupportedEventType), "OnAlias is not overridden");
        Assert.That(delete.Reason, Is.EqualTo(OutcomeReason.UnsupportedEventType), "OnDelete is not overridden");
    }

    [Test]
    public async Task RunAsync_HandlerPastTimeout_IsTimeoutRetryOnlyWhenTheClockPassesIt()
    {
        using var harness = CreateSut();

        var running = harness.RunAsync(SampleEvents.Page());
        harness.Time.Advance(TimeSpan.FromSeconds(4.9));
        Assert.That(running.IsCompleted, Is.False, "still inside the 5 s timeout");
        harness.Time.Advance(TimeSpan.FromSeconds(0.2));
        var run = await running;

        Assert.That(run.Outcome, Is.EqualTo(OutcomeKind.Retry));
        Assert.That(run.Reason, Is.EqualTo(OutcomeReason.Timeout));
    }

    [Test]
    public async Task RunAsync_HandlerIgnoringItsToken_IsStillFreedAtTheTimeout()
    {
        using var harness = new FunctionHarness<ScriptedFunction, WebhookSettings>(
            new WebhookSettings { ApiKey = Secret, Endpoint = Endpoint }, options: new InvocationOptions { Timeout = TimeSpan.FromSeconds(2) });

        var running = harness.RunAsync(SampleEvents.Screen());
        harness.Time.Advance(TimeSpan.FromSeconds(2));
        var run = await running;

        Assert.That(run.Reason, Is.EqualTo(OutcomeReason.Timeout));
        Assert.That(run.Error!.Message, Does.Contain("2 s"));
    }

    [Test]
    public async Task RunAsync_ChattyHandler_LogsAreCappedAt4KbWithAMark()
    {
        using var harness = CreateSut();

        var run = await harness.RunAsync(IdentifyThatThrows("LogALot"));

        Assert.That(run.LogsTruncated, Is.True);
        Assert.That(run.Logs, Does.Contain("line 0 of a chatty handler"));
        Assert.That(run.Logs, Does.Not.Contain("line 499 of"));
        Assert.That(run.Logs, Does.Contain("[logs truncated:"));
        var beforeMark = run.Logs[..run.Logs.IndexOf("… [logs truncated", StringComparison.Ordinal)];
        Assert.That(System.Text.Encoding.UTF8.GetByteCount(beforeMark), Is.LessThanOrEqualTo(4096 + 200), "entries plus newlines stay near the 4 KB cap");
        Assert.That(run.LogEntries.Sum(e => System.Text.Encoding.UTF8.GetByteCount(e.Message)), Is.LessThanOrEqualTo(4096));
    }

    [Test]
    public async Task RunAsync_KeyInHeaderUrlAndBody_IsRedactedFromTheTrace()
    {
        using var harness = CreateSut();
        harness.Http.On(HttpMethod.Post, Endpoint + "*").Respond(HttpStatusCode.OK, $"{{\"echo\":\"{Secret}\"}}");

        var run = await harness.RunAsync(SampleEvents.Track());

        var trace = run.Requests.Single();
        var everything = string.Join("\n", trace.Url, trace.RequestBody, trace.ResponseBody, string.Join("\n", trace.RequestHeaders.Concat(trace.ResponseHeaders)), run.ToString(), run.Logs);
        Assert.That(everything, Does.Not.Contain(Secret));
        Assert.That(everything, Does.Not.Contain(Uri.EscapeDataString(Secret)));
        Assert.That(trace.Url, Does.Contain("api_key=***"));
        Assert.That(trace.RequestHeaders, Does.Contain(new KeyValuePair<string, string>("X-Custom-Key", "***")));
        Assert.That(trace.RequestHeaders, Does.Contain(new KeyValuePair<string, string>("Authorization", "***")));
        Assert.That(trace.RequestBody, Does.Contain("\"key\":\"***\""));
    }

    [Test]
    public async Task RunBatchAsync_MixedStatuses_GivesOneOutcomePerEvent()
    {
        using var harness = CreateSut();
        var events = new SegmentEvent[]
        {
            Track(200), Track(400), Track(200), Track(500), Track(429), Track(408), SampleEvents.Identify(),
        };

        var run = await harness.RunBatchAsync(events);

        Assert.That(run.Outcomes.Select(s => s.Kind), Is.EqualTo(new[]
        {
            OutcomeKind.Delivered, OutcomeKind.Discarded, OutcomeKind.Delivered, OutcomeKind.Retry,
            OutcomeKind.Retry, OutcomeKind.Retry, OutcomeKind.Delivered,
        }));
        Assert.That(run.Outcomes[1].Reason, Is.EqualTo(OutcomeReason.MessageRejected));
        Assert.That(run.Outcomes[1].Status, Is.EqualTo(400));
        Assert.That(run.Outcomes[3].Error!.Message, Is.EqualTo("status 500 for ***"));
        Assert.That(run.Outcome, Is.EqualTo(OutcomeKind.Retry), "a batch shows its worst outcome");
        Assert.That(harness.SupportsBatching, Is.True);

        static TrackEvent Track(int status) => new() { Event = "Order", UserId = "u", Properties = new JsonObject { ["status"] = status } };
    }

    [Test]
    public async Task RunBatchAsync_ThrownRetryError_RetriesTheWholeBatch()
    {
        using var harness = CreateSut();

        var run = await harness.RunBatchAsync([SampleEvents.Identify(), new TrackEvent { Event = "throw-retry", UserId = "u" }]);

        Assert.That(run.Outcomes.Select(s => s.Reason), Is.EqualTo(new[] { OutcomeReason.Retry, OutcomeReason.Retry }));
    }

    [Test]
    public async Task RunJsonAsync_Array_RunsTheBatchHandlerAndMarksInvalidItems()
    {
        using var harness = CreateSut();

        var run = await harness.RunJsonAsync("""
            [
              {"type":"identify","userId":"019mr8mf4r","traits":{"email":"jake@yahoo.com"}},
              {"type":"track","userId":"019mr8mf4r"},
              {"type":"track","userId":"971mj8mk7p","event":"Song Played","properties":{"status":503}}
            ]
            """);

        Assert.That(run.Outcomes.Select(s => s.Kind), Is.EqualTo(new[] { OutcomeKind.Delivered, OutcomeKind.Discarded, OutcomeKind.Retry }));
        Assert.That(run.Outcomes[1].Reason, Is.EqualTo(OutcomeReason.BadRequest));
        Assert.That(run.Outcomes[1].Error!.Message, Does.Contain("[1]").And.Contain("\"event\""));
    }

    [Test]
    public async Task RunJsonAsync_InvalidSingleEvent_IsBadRequestWithoutRunningTheHandler()
    {
        using var harness = CreateSut();

        var run = await harness.RunJsonAsync("{\"type\":\"group\",\"userId\":\"u1\"}");

        Assert.That(run.Reason, Is.EqualTo(OutcomeReason.BadRequest));
        Assert.That(run.Error!.Message, Does.Contain("groupId"));
        Assert.That(harness.Function.LoadCount, Is.Zero);
    }

    [TestCase("[]")]
    [TestCase(" \n [ ] ")]
    public async Task RunJsonAsync_EmptyArray_IsBadRequest_NotADeliveredRunOfNothing(string json)
    {
        using var harness = CreateSut();

        var run = await harness.RunJsonAsync(json);

        Assert.That((run.Outcome, run.Reason), Is.EqualTo((OutcomeKind.Discarded, OutcomeReason.BadRequest)));
        Assert.That(run.Error!.Message, Does.Contain("no events"));
        Assert.That(run.Events, Is.Empty);
    }

    [Test]
    public void Constructor_RequiredSettingMissing_ThrowsInvalidSettingsNamingTheField_AsTheHostRefusesToStart()
    {
        var error = Assert.Throws<InvalidSettings>(() => new FunctionHarness<ScriptedFunction, WebhookSettings>(new WebhookSettings { ApiKey = Secret, Endpoint = "" }));

        Assert.That(error!.Message, Does.Contain("\"endpoint\""));
        Assert.That(error.Message, Does.Not.Contain(Secret));
    }

    [Test]
    public async Task RunAsync_CacheHitThenExpiryOnTheFakeClock_CallsTheFactoryAgain()
    {
        using var harness = CreateSut();

        await harness.RunAsync(SampleEvents.Group());
        await harness.RunAsync(SampleEvents.Group());
        Assert.That(harness.Function.LoadCount, Is.EqualTo(1), "second run is a cache hit");

        harness.Time.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));
        await harness.RunAsync(SampleEvents.Group());

        Assert.That(harness.Function.LoadCount, Is.EqualTo(2));
        Assert.That(harness.Function.LastToken, Is.EqualTo("token-2"));
    }

    [Test]
    public async Task UntypedFunction_EncryptedSettingIsRedactedFromLogs()
    {
        using var harness = new FunctionHarness<UntypedFunction>(new FunctionSettings().Set("apiKey", Secret, encrypted: true));

        var run = await harness.RunAsync(SampleEvents.Track());

        Assert.That(run.Outcome, Is.EqualTo(OutcomeKind.Delivered));
        Assert.That(run.Logs, Does.Contain("key is ***"));
        Assert.That(run.Logs, Does.Not.Contain(Secret));
    }

    [Test]
    public async Task RunAsync_ConcurrentRunsOnOneInstance_KeepTheirOwnLogs()
    {
        using var harness = CreateSut();
        harness.Http.On(HttpMethod.Post, Endpoint + "*").Respond(HttpStatusCode.OK);

        var runs = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => harness.RunAsync(new TrackEvent { Event = $"E{i}", UserId = $"user-{i}" })));

        for (var i = 0; i < runs.Length; i++)
        {
            Assert.That(runs[i].LogEntries, Has.Count.EqualTo(1));
            Assert.That(runs[i].Logs, Does.Contain($"E{i} for user-{i}"));
            Assert.That(runs[i].Requests, Has.Count.EqualTo(1));
        }
    }
}
