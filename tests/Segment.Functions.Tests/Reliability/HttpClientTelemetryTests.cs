using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Segment.Functions.Delivery;
using Segment.Functions.Tests.Hosting;

namespace Segment.Functions.Tests.Reliability;

public sealed class WebhookSettings
{
    public const string Secret = "whk_7c1d2e3f4a5b6c7d8e9f";

    [Setting(Label = "Key", Required = true, Encrypted = true)]
    public string Key { get; set; } = Secret;

    [Setting(Label = "Base URL", Required = true)]
    public string BaseUrl { get; set; } = "";
}

/// <summary>
/// The usual webhook shape: the key is part of the URL's path (and, for good measure, of the
/// query, two headers and the body). The event's name is the status the API is asked to answer.
/// </summary>
public sealed class WebhookKeyFunction : DestinationFunction<WebhookSettings>
{
    public override async Task OnTrack(TrackEvent @event, WebhookSettings settings, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{settings.BaseUrl}/hooks/{@event.Event}/services/{settings.Key}?token={settings.Key}")
        {
            Content = JsonContent.Create(new { key = settings.Key, @event.Event }),
        };
        request.Headers.Add("X-Api-Key", settings.Key);
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + settings.Key);
        using var response = await Http.SendAsync(request, cancellationToken);
        await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new RetryError($"HTTP Status {(int)response.StatusCode}");
        }
    }
}

/// <summary>
/// A destination's key in the URL of its requests must not reach the application's own telemetry
/// through .NET's HttpClient instrumentation (issue 12, item 1): a real request to a real loopback
/// server, everything logged at Trace, every activity source and every meter listened to.
/// </summary>
public sealed class HttpClientTelemetryTests
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(60);
    private FaultyApi _api = null!;

    [OneTimeSetUp]
    public async Task StartApi() => _api = await FaultyApi.StartAsync();

    [OneTimeTearDown]
    public async Task StopApi() => await _api.DisposeAsync();

    [Test]
    public async Task KeyInTheRequestUrlHeadersAndBody_ReachesNoLogActivityOrMetricTag()
    {
        var activities = new ConcurrentQueue<string>();
        var sources = new ConcurrentDictionary<string, byte>();
        using var activityListener = new ActivityListener
        {
            ShouldListenTo = static _ => true,
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStarted = a => activities.Enqueue(Describe(a)),
            ActivityStopped = a =>
            {
                sources.TryAdd(a.Source.Name, 0);
                activities.Enqueue(Describe(a));
            },
        };
        ActivitySource.AddActivityListener(activityListener);
        var metricTags = new ConcurrentQueue<string>();
        using var meterListener = new MeterListener { InstrumentPublished = static (instrument, listener) => listener.EnableMeasurementEvents(instrument) };
        meterListener.SetMeasurementEventCallback<long>((i, _, tags, _) => metricTags.Enqueue(Describe(i, tags)));
        meterListener.SetMeasurementEventCallback<int>((i, _, tags, _) => metricTags.Enqueue(Describe(i, tags)));
        meterListener.SetMeasurementEventCallback<double>((i, _, tags, _) => metricTags.Enqueue(Describe(i, tags)));
        meterListener.Start();

        await using var host = await TestHost.StartAsync(
            o => o.Retry.RetryWindow = TimeSpan.FromMinutes(1),
            b => b.AddDestination<WebhookKeyFunction, WebhookSettings>("Webhook", s => s.BaseUrl = _api.BaseUrl),
            services => services.AddLogging(l => l.SetMinimumLevel(LogLevel.Trace).AddFakeLogging()));

        await host.Functions.SendAsync(TestEvents.Track(1, "200"));
        await host.Functions.SendAsync(TestEvents.Track(2, "503")); // retried by the HTTP pipeline, then by the host, until it expires
        await MoveClockUntilAsync(host, () => host.Functions.GetStatus("Webhook").Pending == 0);
        meterListener.RecordObservableInstruments();

        Assert.That(_api.Paths.Where(p => p.Contains(WebhookSettings.Secret)), Is.Not.Empty, "the key really was in the path on the wire");
        var records = host.Records("Webhook");
        Assert.That(records.Where(r => r.IsTerminal).Select(r => r.State), Is.EquivalentTo(new[] { DeliveryState.Delivered, DeliveryState.Expired }));
        var logs = host.Services.GetFakeLogCollector().GetSnapshot();
        Assert.That(logs, Is.Not.Empty, "the application's logger saw lines");
        Assert.That(sources.Keys, Does.Contain("Segment.Functions"), "the activity listener saw activities");

        var corpus = new Dictionary<string, string>
        {
            ["application logs"] = string.Join("\n", logs.Select(Describe)),
            ["activities"] = string.Join("\n", activities),
            ["metric tags"] = string.Join("\n", metricTags),
            ["delivery records"] = JsonSerializer.Serialize(records) + string.Join("\n", records.Select(r => r.ToString())),
        };
        foreach (var (artifact, text) in corpus)
        {
            Assert.That(text, Does.Not.Contain(WebhookSettings.Secret), artifact);
        }
    }

    // Moves the fake clock in steps while real requests run on loopback, until done (bounded in real time).
    private static async Task MoveClockUntilAsync(TestHost host, Func<bool> done)
    {
        var started = TimeProvider.System.GetTimestamp();
        while (!done())
        {
            Assert.That(TimeProvider.System.GetElapsedTime(started), Is.LessThan(Guard), "events were still pending");
            // Small steps: a real request has many of them before its attempt's timeout (2.5 s on this clock).
            host.Time.Advance(TimeSpan.FromMilliseconds(250));
            await Task.Delay(TimeSpan.FromMilliseconds(10), TimeProvider.System);
        }

        await host.SettleAsync();
    }

    private static string Describe(Activity activity)
    {
        var text = new StringBuilder()
            .Append(activity.Source.Name).Append(' ').Append(activity.OperationName).Append(' ').Append(activity.DisplayName)
            .Append(' ').Append(activity.StatusDescription);
        foreach (var tag in activity.TagObjects)
        {
            text.Append(' ').Append(tag.Key).Append('=').Append(tag.Value);
        }

        foreach (var item in activity.Baggage)
        {
            text.Append(" baggage ").Append(item.Key).Append('=').Append(item.Value);
        }

        foreach (var @event in activity.Events)
        {
            text.Append(" event ").Append(@event.Name);
            foreach (var tag in @event.Tags)
            {
                text.Append(' ').Append(tag.Key).Append('=').Append(tag.Value);
            }
        }

        return text.ToString();
    }

    private static string Describe(Instrument instrument, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var text = new StringBuilder(instrument.Meter.Name).Append(' ').Append(instrument.Name);
        foreach (var tag in tags)
        {
            text.Append(' ').Append(tag.Key).Append('=').Append(tag.Value);
        }

        return text.ToString();
    }

    private static string Describe(FakeLogRecord record)
    {
        var text = new StringBuilder()
            .Append(record.Level).Append(' ').Append(record.Category).Append(": ").Append(record.Message)
            .Append(" | exception: ").Append(record.Exception);
        foreach (var pair in record.StructuredState ?? [])
        {
            text.Append(" | ").Append(pair.Key).Append('=').Append(pair.Value);
        }

        foreach (var scope in record.Scopes)
        {
            text.Append(" | scope: ").Append(scope);
            if (scope is IEnumerable<KeyValuePair<string, object?>> values)
            {
                foreach (var pair in values)
                {
                    text.Append(' ').Append(pair.Key).Append('=').Append(pair.Value);
                }
            }
        }

        return text.ToString();
    }
}
