using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Segment.Functions.Delivery;
using Segment.Functions.Hosting;
using Segment.Functions.Testing;
using Segment.Functions.Tests.Hosting;

namespace Segment.Functions.Tests.Reliability;

/// <summary>
/// Misbehaving functions (issue "Reliability and security", item 4): each runs on a host on a fake
/// clock beside a healthy destination, which must keep delivering whatever its neighbour does.
/// </summary>
public sealed class MisbehavingFunctionTests
{
    private const string Healthy = "Healthy";
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(30);

    /// <summary>Logs megabytes: thousands of 1 KB lines, a flood of empty lines, one 1 MB line; then fails so the record keeps its logs.</summary>
    public sealed class LoudFunction : DestinationFunction<ProbeSettings>
    {
        public const int EmptyLines = 100_000;
        public const int Lines = 2_000;

        // 1,000 characters, 1,200 UTF-8 bytes: the euro signs make a cut land inside a character now and then.
        public static readonly string Line = string.Concat(Enumerable.Repeat("log line €", 100));
        public static readonly string Huge = new('z', 1024 * 1024);

        public static long Bytes => (long)Lines * Encoding.UTF8.GetByteCount(Line) + Huge.Length;

        public override Task OnTrack(TrackEvent @event, ProbeSettings settings, CancellationToken cancellationToken)
        {
            for (var i = 0; i < Lines; i++)
            {
                Logger.LogInformation("{Line}", Line);
            }

            for (var i = 0; i < EmptyLines; i++)
            {
                Logger.LogInformation("");
            }

            Logger.LogWarning("{Huge}", Huge);
            throw new ValidationError("too loud");
        }
    }

    /// <summary>Makes a thousand HTTP requests through its client, then fails because the API refused them.</summary>
    public sealed class HttpStormFunction : DestinationFunction<ProbeSettings>
    {
        public const int Requests = 1_000;

        public override async Task OnTrack(TrackEvent @event, ProbeSettings settings, CancellationToken cancellationToken)
        {
            var refused = 0;
            for (var i = 0; i < Requests; i++)
            {
                using var response = await Http.PostAsync($"{settings.Endpoint}/items/{i}", new StringContent($"{{\"item\":{i}}}"), cancellationToken);
                refused += response.IsSuccessStatusCode ? 0 : 1;
            }

            throw new ValidationError($"{refused} of {Requests} requests were refused");
        }
    }

    private static async Task<(TestHost Host, RecordingStore Store, Probe Healthy)> StartAsync(
        Action<SegmentFunctionsOptions>? options,
        Action<SegmentFunctionsBuilder> misbehaving,
        Action<IServiceCollection>? more = null)
    {
        var store = new RecordingStore();
        var healthy = new Probe();
        var host = await TestHost.StartAsync(
            options,
            b =>
            {
                misbehaving(b);
                b.AddDestination<ProbeFunction, ProbeSettings>(Healthy, s => s.Probe = healthy);
            },
            services =>
            {
                services.AddSingleton<IDeliveryStore>(store);
                more?.Invoke(services);
            });
        return (host, store, healthy);
    }

    private static async Task SendAsync(TestHost host, int count)
    {
        for (var i = 0; i < count; i++)
        {
            var result = await host.Functions.SendAsync(TestEvents.Track(i)).AsTask().WaitAsync(Guard);
            Assert.That((result.Status, result.Routed), Is.EqualTo((SendStatus.Accepted, 2)));
        }
    }

    [TestCase(false, TestName = "HandlerThatThrows_BeforeAnyAwait_IsDiscardedAsUnknownErrorKeepingTypeAndMessage")]
    [TestCase(true, TestName = "HandlerThatThrows_AfterAnAwait_IsDiscardedAsUnknownErrorKeepingTypeAndMessage")]
    public async Task HandlerThatThrows_IsDiscardedAsUnknownErrorKeepingTypeAndMessage(bool afterAnAwait)
    {
        var thrower = new Probe
        {
            Handle = afterAnAwait
                ? static async (_, _, _) =>
                {
                    await Task.Yield();
                    throw new KeyNotFoundException("customer 42 is not in the CRM");
                }
                : static (_, _, _) => throw new KeyNotFoundException("customer 42 is not in the CRM"),
        };
        var (host, store, healthy) = await StartAsync(null, b => b.AddDestination<ProbeFunction, ProbeSettings>("Thrower", s => s.Probe = thrower));
        await using var _ = host;

        await SendAsync(host, 3);
        await host.SettleAsync();

        var records = host.Records("Thrower");
        Assert.That(records, Has.Length.EqualTo(3));
        Assert.That(records.Select(r => (r.State, r.Reason, r.Attempts)), Is.All.EqualTo((DeliveryState.Discarded, OutcomeReason.UnknownError, 1)));
        Assert.That(records.Select(r => r.Error), Is.All.EqualTo(new ErrorInfo("System.Collections.Generic.KeyNotFoundException", "customer 42 is not in the CRM")));
        Assert.That(thrower.Singles, Has.Count.EqualTo(3), "an unknown error is not retried");
        Assert.That(host.Functions.GetCounts("Thrower").Discarded[OutcomeReason.UnknownError], Is.EqualTo(3));
        Assert.That(host.Functions.GetCounts(Healthy).Delivered, Is.EqualTo(3));
        Assert.That(healthy.Singles.Select(e => e.MessageId), Is.EquivalentTo(new[] { "m-0", "m-1", "m-2" }));
    }

    [Test]
    public async Task HandlerThatBlocksBeforeItsFirstAwait_HoldsOnlyItsOwnSlot_WhileTheOtherDestinationDelivers()
    {
        using var gate = new ManualResetEventSlim(false);
        var blocker = new Probe
        {
            Handle = (_, _, _) =>
            {
                gate.Wait(); // synchronously, before any await: the thread is held
                return Task.CompletedTask;
            },
        };
        var (host, store, healthy) = await StartAsync(o => o.MaxConcurrency = 1, b => b.AddDestination<ProbeFunction, ProbeSettings>("Blocker", s => s.Probe = blocker));
        await using var _ = host;
        try
        {
            for (var i = 0; i < 3; i++)
            {
                var sending = host.Functions.SendAsync(TestEvents.Track(i));
                Assert.That(sending.IsCompleted, Is.True, "the sender is not held up by a blocked handler");
                Assert.That(sending.Result.Routed, Is.EqualTo(2));
            }

            await blocker.Called.Task.WaitAsync(Guard);
            await store.WhenTerminal(Healthy, 3);

            Assert.That(host.Functions.GetCounts(Healthy).Delivered, Is.EqualTo(3), "delivered while the other destination's handler is blocked");
            Assert.That(host.Functions.GetStatus("Blocker"), Is.EqualTo(new DestinationStatus("Blocker", Queued: 2, InFlight: 1, WaitingForRetry: 0)));
            Assert.That(host.Records("Blocker"), Is.Empty);
            Assert.That(blocker.Singles, Has.Count.EqualTo(1));
        }
        finally
        {
            gate.Set();
        }

        await host.SettleAsync();
        var records = host.Records("Blocker");
        Assert.That(records.Select(r => (r.MessageId, r.State, r.Attempts)), Is.EquivalentTo(new[]
        {
            ("m-0", DeliveryState.Delivered, 1), ("m-1", DeliveryState.Delivered, 1), ("m-2", DeliveryState.Delivered, 1),
        }));
        Assert.That(healthy.Singles, Has.Count.EqualTo(3));
    }

    [Test]
    public async Task HandlerThatIgnoresItsTokenAndNeverEnds_TimesOutAsARetry_AndFreesItsSlot()
    {
        var timeout = TimeSpan.FromSeconds(5);
        var never = new TaskCompletionSource(); // never completed: the first attempt of m-0 hangs for good
        CancellationToken firstToken = default;
        var hanger = new Probe
        {
            Handle = (e, attempt, token) =>
            {
                if (e.MessageId == "m-0" && attempt == 1)
                {
                    firstToken = token;
                    return never.Task;
                }

                return Task.CompletedTask;
            },
        };
        var (host, store, healthy) = await StartAsync(
            o =>
            {
                o.MaxConcurrency = 1;
                o.Invocation.Timeout = timeout;
            },
            b => b.AddDestination<ProbeFunction, ProbeSettings>("Hanger", s => s.Probe = hanger));
        await using var _ = host;

        await SendAsync(host, 2);
        await hanger.Called.Task.WaitAsync(Guard);
        await store.WhenTerminal(Healthy, 2);
        Assert.That(host.Functions.GetStatus("Hanger"), Is.EqualTo(new DestinationStatus("Hanger", Queued: 1, InFlight: 1, WaitingForRetry: 0)), "m-1 waits for the only slot");
        Assert.That(hanger.Singles, Has.Count.EqualTo(1));

        host.Time.Advance(timeout + TimeSpan.FromMilliseconds(1));
        await store.WhenTerminal("Hanger", 1);

        Assert.That(firstToken.IsCancellationRequested, Is.True, "the handler was told, and ignored it");
        Assert.That(never.Task.IsCompleted, Is.False, "the handler is still running, abandoned");
        var first = host.Records("Hanger").First(r => r.MessageId == "m-0");
        Assert.That((first.State, first.Reason, first.Attempts), Is.EqualTo((DeliveryState.Retrying, OutcomeReason.Timeout, 1)));
        Assert.That(first.Error!.Message, Does.Contain("within the invocation timeout of 5 s"));
        var next = host.Records("Hanger").Single(r => r.MessageId == "m-1");
        Assert.That((next.State, next.Attempts), Is.EqualTo((DeliveryState.Delivered, 1)), "the slot was freed for the next event");

        await host.RunToCompletionAsync(TimeSpan.FromSeconds(1));

        var last = host.Store.Recent("Hanger", 100).First(r => r.MessageId == "m-0");
        Assert.That((last.State, last.Attempts), Is.EqualTo((DeliveryState.Delivered, 2)), "the retry ran and delivered");
        Assert.That(host.Functions.GetCounts("Hanger").Delivered, Is.EqualTo(2));
        Assert.That(host.Functions.GetCounts(Healthy).Delivered, Is.EqualTo(2));
        Assert.That(healthy.Singles, Has.Count.EqualTo(2));
    }

    [TestCase(4 * 1024)]
    [TestCase(1000)]
    public async Task HandlerThatLogsMegabytes_KeepsAtMostMaxLogBytesAndAMark(int maxLogBytes)
    {
        var (host, store, _) = await StartAsync(o => o.Invocation.MaxLogBytes = maxLogBytes, b => b.AddDestination<LoudFunction, ProbeSettings>("Loud", _ => { }));
        await using var __ = host;

        await SendAsync(host, 1);
        await host.SettleAsync();

        var record = host.Records("Loud").Single();
        Assert.That((record.State, record.Reason, record.Error!.Message), Is.EqualTo((DeliveryState.Discarded, OutcomeReason.MessageRejected, "too loud")));
        const string mark = "… [logs truncated: ";
        var at = record.Logs.IndexOf(mark, StringComparison.Ordinal);
        Assert.That(at, Is.GreaterThanOrEqualTo(0), "a visible mark says the logs were cut");
        var kept = record.Logs[..at];
        var markLine = record.Logs[at..];
        Assert.That(Encoding.UTF8.GetByteCount(kept), Is.LessThanOrEqualTo(maxLogBytes), "the kept log text, line breaks included, fits the limit");
        Assert.That(Encoding.UTF8.GetByteCount(markLine), Is.LessThan(200), "then only the mark");
        Assert.That(markLine, Does.Match(@"^… \[logs truncated: \d+ more bytes over the \d+-byte limit\]\n$"));
        var dropped = long.Parse(markLine.Split(' ')[3], System.Globalization.CultureInfo.InvariantCulture);
        Assert.That(dropped, Is.GreaterThan(LoudFunction.Bytes - maxLogBytes - 1), "the mark counts what was dropped");
        Assert.That(kept, Does.Contain(LoudFunction.Line[..50]), "what is kept is the function's own log text");
        Assert.That(host.Functions.GetCounts(Healthy).Delivered, Is.EqualTo(1));
        Assert.That(store.Recent(Healthy, 100).Single().Logs, Is.Empty);
    }

    [Test]
    public async Task HandlerThatMakesAThousandRequests_KeepsOnlyMaxHttpTracesOfThem()
    {
        var http = new FakeHttpHandler();
        var refused = http.On(HttpMethod.Post, "https://probe.test/api/items/*").Respond(HttpStatusCode.UnprocessableEntity, "{\"error\":\"refused\"}");
        var (host, store, _) = await StartAsync(
            o => o.Invocation.MaxHttpTraces = 25,
            b => b.AddDestination<HttpStormFunction, ProbeSettings>("Storm", _ => { }),
            services => services.ConfigureHttpClientDefaults(client => client.ConfigurePrimaryHttpMessageHandler(() => http)));
        await using var _ = host;

        await SendAsync(host, 1);
        await host.SettleAsync();

        var record = host.Records("Storm").Single();
        Assert.That((record.State, record.Reason, record.Attempts), Is.EqualTo((DeliveryState.Discarded, OutcomeReason.MessageRejected, 1)));
        Assert.That(record.Error!.Message, Is.EqualTo("1000 of 1000 requests were refused"));
        Assert.That(refused.CallCount, Is.EqualTo(HttpStormFunction.Requests), "every request went out, once");
        Assert.That(record.HttpTraces, Has.Count.EqualTo(25), "capped at InvocationOptions.MaxHttpTraces");
        Assert.That(record.OmittedHttpTraces, Is.EqualTo(975), "the rest are counted");
        Assert.That(record.HttpTraces.Select(t => t.Url), Is.EqualTo(Enumerable.Range(0, 25).Select(i => $"https://probe.test/api/items/{i}")), "the first ones, in order");
        Assert.That(record.HttpTraces.Select(t => (t.Method, t.StatusCode)), Is.All.EqualTo(("POST", (int?)422)));
        Assert.That(record.HttpTraces[0].ResponseBody, Does.Contain("refused"));
        Assert.That(host.Functions.GetCounts(Healthy).Delivered, Is.EqualTo(1));
    }

    [TestCase(0)]
    [TestCase(2)]
    [TestCase(4)]
    public async Task OnBatchReturningTheWrongNumberOfStatuses_FailsTheBatchNamingBothCounts(int statuses)
    {
        var batcher = new Probe
        {
            HandleBatch = (_, _, _) => Task.FromResult(BatchResult.FromStatuses(Enumerable.Repeat(new EventStatus(200), statuses))),
        };
        var (host, store, _) = await StartAsync(
            o =>
            {
                o.Batching.MaxSize = 3;
                o.Batching.LowVolumeEventsPerSecond = 0;
            },
            b => b.AddDestination<BatchProbeFunction, ProbeSettings>("Batcher", s => s.Probe = batcher));
        await using var _ = host;

        await SendAsync(host, 3);
        await host.SettleAsync();

        Assert.That(batcher.BatchSizes, Is.EqualTo(new[] { 3 }));
        var records = host.Records("Batcher");
        Assert.That(records, Has.Length.EqualTo(3));
        Assert.That(records.Select(r => (r.State, r.Reason, r.Attempts)), Is.All.EqualTo((DeliveryState.Discarded, OutcomeReason.UnknownError, 1)));
        Assert.That(records.Select(r => r.Error!.Message), Is.All.Contains($"returned {statuses} statuses for 3 events"));
        Assert.That(host.Functions.GetCounts(Healthy).Delivered, Is.EqualTo(3));
    }

    public enum EventSource
    {
        ParsedFromBytes,
        ParsedWithBagsAlreadyRead,
        BuiltInCode,
    }

    [TestCase(EventSource.ParsedFromBytes)]
    [TestCase(EventSource.ParsedWithBagsAlreadyRead)]
    [TestCase(EventSource.BuiltInCode)]
    public async Task HandlerThatMutatesItsEvent_DoesNotChangeTheEventAnotherDestinationSees(EventSource source)
    {
        const string json = """{"type":"track","event":"Order Completed","userId":"u-1","messageId":"m-1","properties":{"price":10},"context":{"ip":"203.0.113.9"},"integrations":{},"extra":1}""";
        var mutated = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        string? mutatorSaw = null;
        string? observerSaw = null;
        var mutator = new Probe
        {
            Handle = (e, _, _) =>
            {
                var track = (TrackEvent)e;
                track.Properties["price"] = -1;
                track.Properties["injected"] = "by Mutator";
                track.Context.Remove("ip");
                track.Integrations["Observer"] = false;
                track.AdditionalFields["extra"] = 2;
                mutatorSaw = track.ToJson();
                mutated.TrySetResult();
                return Task.CompletedTask;
            },
        };
        var observer = new Probe
        {
            Handle = async (e, _, _) =>
            {
                // Reads only after the other handler has changed its event, whatever the order they were started in.
                await mutated.Task.WaitAsync(Guard);
                observerSaw = e.ToJson();
            },
        };
        var store = new RecordingStore();
        await using var host = await TestHost.StartAsync(
            null,
            b => b
                .AddDestination<ProbeFunction, ProbeSettings>("Mutator", s => s.Probe = mutator)
                .AddDestination<ProbeFunction, ProbeSettings>("Observer", s => s.Probe = observer),
            services => services.AddSingleton<IDeliveryStore>(store));
        var sent = source switch
        {
            EventSource.ParsedFromBytes => null,
            EventSource.ParsedWithBagsAlreadyRead => SegmentEvent.Parse(json),
            _ => new TrackEvent
            {
                Event = "Order Completed",
                UserId = "u-1",
                MessageId = "m-1",
                Properties = new JsonObject { ["price"] = 10 },
                Context = new JsonObject { ["ip"] = "203.0.113.9" },
                Integrations = [],
                AdditionalFields = new JsonObject { ["extra"] = 1 },
            },
        };
        if (sent is TrackEvent read && source == EventSource.ParsedWithBagsAlreadyRead)
        {
            _ = (read.Properties.Count, read.Context.Count, read.Integrations.Count, read.AdditionalFields.Count);
        }

        var result = sent is null ? await host.SendJsonAsync(json) : await host.Functions.SendAsync(sent);
        await host.SettleAsync();

        Assert.That(result.Routed, Is.EqualTo(2));
        Assert.That(host.Functions.GetCounts("Observer").Delivered, Is.EqualTo(1));
        Assert.That(JsonNode.Parse(mutatorSaw!)!["properties"]!["injected"]?.GetValue<string>(), Is.EqualTo("by Mutator"), "the mutator did change its event");
        Assert.That(JsonNode.DeepEquals(JsonNode.Parse(observerSaw!), JsonNode.Parse(json)), Is.True, $"the other destination must see the event as sent; it saw {observerSaw}");
        if (sent is not null)
        {
            Assert.That(JsonNode.DeepEquals(JsonNode.Parse(sent.ToJson()), JsonNode.Parse(json)), Is.True, $"the sender's event must not change either; it is now {sent.ToJson()}");
        }
    }
}
