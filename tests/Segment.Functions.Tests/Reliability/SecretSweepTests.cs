using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Segment.Functions.Delivery;
using Segment.Functions.Testing;
using Segment.Functions.Tests.Hosting;

namespace Segment.Functions.Tests.Reliability;

public sealed class SecretSettings
{
    public const string Secret = "sk_live_9f8e7d6c5b4a3921";

    [Setting(Label = "API Key", Required = true, Encrypted = true)]
    public string ApiKey { get; set; } = Secret;

    [Setting(Label = "Endpoint", Required = true)]
    public string Endpoint { get; set; } = "https://secret.test/api";

    /// <summary>Completes when the "timeout" path has started (not a setting).</summary>
    public TaskCompletionSource TimeoutStarted { get; set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override string ToString() => $"ApiKey={ApiKey}, Endpoint={Endpoint}"; // an author who prints everything
}

/// <summary>A function that tries to leak its key on every path it has; the event's name picks the path.</summary>
public class LeakEverywhereFunction : DestinationFunction<SecretSettings>
{
    private readonly ConcurrentDictionary<string, int> _attempts = new();

    public override async Task OnTrack(TrackEvent @event, SecretSettings settings, CancellationToken cancellationToken)
    {
        var key = settings.ApiKey;
        Logger.LogInformation("settings: {Settings}", settings);
        using (Logger.BeginScope("scope with {Key}", key))
        {
            Logger.LogWarning(new InvalidOperationException($"inner {key}"), "key {Key}", key);
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, $"{settings.Endpoint}?api_key={key}&escaped={Uri.EscapeDataString(key)}")
        {
            Content = JsonContent.Create(new { key, name = @event.Event }),
        };
        request.Headers.Add("X-Api-Key", key);
        request.Headers.Add("X-Custom", "Bearer " + key);
        using var response = await Http.SendAsync(request, cancellationToken);

        switch (@event.Event)
        {
            case "ok":
                return;
            case "validation":
                throw new ValidationError($"rejected {key}");
            case "invalid-payload":
                throw new InvalidEventPayload($"bad payload {key}");
            case "unknown":
                throw new InvalidOperationException($"boom {key}", new Exception($"inner {key}"));
            case "retry-then-ok":
                if (_attempts.AddOrUpdate(@event.MessageId!, 1, static (_, n) => n + 1) == 1)
                {
                    throw new RetryError($"try later {key}");
                }

                return;
            case "always-retry":
                throw new RetryError($"never {key}");
            case "timeout":
                if (_attempts.AddOrUpdate(@event.MessageId!, 1, static (_, n) => n + 1) == 1)
                {
                    settings.TimeoutStarted.TrySetResult();
                    await new TaskCompletionSource().Task; // ignores its token; the retry goes through
                }

                return;
        }
    }

}

/// <summary>The same, with a batch handler that fails every other event with the key in its message.</summary>
public sealed class LeakEverywhereBatchFunction : LeakEverywhereFunction
{
    public override Task<BatchResult> OnBatch(IReadOnlyList<SegmentEvent> events, SecretSettings settings, CancellationToken cancellationToken)
    {
        Logger.LogInformation("batch with key {Key}", settings.ApiKey);
        return Task.FromResult(BatchResult.FromStatuses(events.Select((_, i) => new EventStatus(i % 2 == 0 ? 200 : 500, $"failed for {settings.ApiKey}"))));
    }
}

/// <summary>Runs every path with a known encrypted value, then looks for it in everything the library wrote.</summary>
public sealed class SecretSweepTests
{
    [Test]
    public async Task KnownSecret_AppearsInNoArtifact()
    {
        var logs = new FakeLogCollector();
        var http = new FakeHttpHandler();
        http.On(HttpMethod.Post, "https://secret.test/api*").Respond(_ => new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = new StringContent($"{{\"echo\":\"{SecretSettings.Secret}\"}}"),
            Headers = { { "X-Echo", SecretSettings.Secret } },
        });
        var metricTags = new ConcurrentQueue<string>();
        using var meters = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == "Segment.Functions")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        meters.SetMeasurementEventCallback<long>((_, _, tags, _) => Collect(metricTags, tags));
        meters.SetMeasurementEventCallback<double>((_, _, tags, _) => Collect(metricTags, tags));
        meters.SetMeasurementEventCallback<int>((_, _, tags, _) => Collect(metricTags, tags));
        meters.Start();
        var activityTags = new ConcurrentQueue<string>();
        using var activities = new ActivityListener
        {
            ShouldListenTo = s => s.Name == "Segment.Functions",
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => activityTags.Enqueue(string.Join(",", a.TagObjects.Select(t => $"{t.Key}={t.Value}"))),
        };
        ActivitySource.AddActivityListener(activities);

        var timeoutStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = await TestHost.StartAsync(
            o => { o.Retry.RetryWindow = TimeSpan.FromMinutes(2); o.Batching.LowVolumeEventsPerSecond = 0; o.Batching.MaxSize = 4; },
            b => b
                .AddDestination<LeakEverywhereFunction, SecretSettings>("Single", s => s.TimeoutStarted = timeoutStarted, d => d.Filter = e => e is TrackEvent)
                .AddDestination<LeakEverywhereBatchFunction, SecretSettings>("Batched", _ => { }, d => d.Filter = e => e is IdentifyEvent),
            services =>
            {
                services.AddLogging(l => l.SetMinimumLevel(LogLevel.Trace).AddProvider(new FakeLoggerProvider(logs)));
                services.ConfigureHttpClientDefaults(c => c.ConfigurePrimaryHttpMessageHandler(() => http));
            });
        meters.RecordObservableInstruments();

        var names = new[] { "ok", "validation", "invalid-payload", "unknown", "retry-then-ok", "always-retry", "timeout" };
        for (var i = 0; i < names.Length; i++)
        {
            await host.Functions.SendAsync(TestEvents.Track(i, names[i]));
        }

        for (var i = 0; i < 4; i++)
        {
            await host.Functions.SendAsync(SegmentEvent.Parse($$"""{"type":"identify","userId":"u","messageId":"b-{{i}}"}"""));
        }

        // A bad event that carries the key as data is the caller's text, not a setting: it is not
        // an artifact of the library, so it is left out of the corpus.
        await timeoutStarted.Task.WaitAsync(TimeSpan.FromSeconds(30));
        host.Time.Advance(TimeSpan.FromSeconds(5)); // the hung handler times out
        await host.RunToCompletionAsync(TimeSpan.FromSeconds(5), maxSteps: 200);
        meters.RecordObservableInstruments();

        var records = host.Functions.Destinations.SelectMany(d => host.Store.Recent(d, int.MaxValue)).ToArray();
        Assert.That(records.Select(r => r.State), Is.SupersetOf(new[] { DeliveryState.Delivered, DeliveryState.Discarded, DeliveryState.Retrying, DeliveryState.Expired }),
            "every path ran");
        Assert.That(records.Where(r => r.Reason == OutcomeReason.Timeout), Is.Not.Empty, "the timeout path ran");
        Assert.That(records.SelectMany(r => r.HttpTraces), Is.Not.Empty, "traces were kept");
        Assert.That(logs.Count, Is.Not.Zero);

        using var harness = new FunctionHarness<LeakEverywhereFunction, SecretSettings>(new SecretSettings());
        harness.Http.On(HttpMethod.Post, "https://secret.test/api*").Respond(HttpStatusCode.InternalServerError, $"echo {SecretSettings.Secret}");
        var runs = new List<FunctionRun>();
        foreach (var name in names.Where(n => n != "timeout"))
        {
            runs.Add(await harness.RunAsync(TestEvents.Track(1, name)));
        }

        using var batchHarness = new FunctionHarness<LeakEverywhereBatchFunction, SecretSettings>(new SecretSettings());
        runs.Add(await batchHarness.RunBatchAsync([SampleEvents.Identify(), SampleEvents.Identify()]));

        var corpus = new Dictionary<string, string>
        {
            ["delivery records"] = JsonSerializer.Serialize(records),
            ["delivery records ToString"] = string.Join("\n", records.Select(r => r.ToString())),
            // Everything a logger is handed: the message, its structured values, its scopes and its exception.
            ["application logs"] = string.Join("\n", logs.GetSnapshot().Select(r =>
                $"{r.Message} | state: {(r.State is IEnumerable<KeyValuePair<string, object?>> values ? string.Join(",", values.Select(p => $"{p.Key}={p.Value}")) : r.State)} | scopes: {string.Join(",", r.Scopes)} | exception: {r.Exception}")),
            ["metric tags"] = string.Join("\n", metricTags),
            ["activity tags"] = string.Join("\n", activityTags),
            ["harness runs"] = string.Join("\n", runs.Select(r => r + "\n" + string.Join("\n", r.Requests.Select(t => JsonSerializer.Serialize(t))))),
            ["untyped settings ToString"] = new FunctionSettings().Set("apiKey", SecretSettings.Secret, encrypted: true).ToString(),
            ["settings schema"] = SettingsSchema.For<SecretSettings>().ToJson(),
        };
        foreach (var (artifact, text) in corpus)
        {
            Assert.That(text, Does.Not.Contain(SecretSettings.Secret), artifact);
            Assert.That(text, Does.Not.Contain(Uri.EscapeDataString(SecretSettings.Secret)), artifact);
        }

        Assert.That(corpus["application logs"], Does.Contain("***"), "the lines were written, redacted");
    }

    private static void Collect(ConcurrentQueue<string> into, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var text = new StringBuilder();
        foreach (var tag in tags)
        {
            text.Append(tag.Key).Append('=').Append(tag.Value).Append(',');
        }

        into.Enqueue(text.ToString());
    }
}
