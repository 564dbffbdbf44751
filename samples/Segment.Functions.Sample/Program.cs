using System.Diagnostics;
using System.Text.Json;
using Acme;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Sample;
using Segment.Functions;

// The main job on the embedded in-memory default: the host runs two destinations (a single-event
// webhook forwarder and the batching Acme function) against a fake API on loopback, fed by a
// stream of events; a progress line while it runs, a delivery summary at the end.
SampleOptions options;
try
{
    options = SampleOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine("Run with --help to see the options.");
    return 2;
}

if (options.ShowHelp)
{
    Console.WriteLine(SampleOptions.Help);
    return 0;
}

await using var api = await FakeApi.StartAsync(options.Seed, options.FailRate, options.ThrottleRate);
var store = new SummaryStore();
var builder = Host.CreateApplicationBuilder();
builder.Logging.ClearProviders().AddSimpleConsole(c => c.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
// The functions log their own warnings into the delivery records; keep the console for the host's.
builder.Logging.AddFilter("Segment.Functions.Destination", LogLevel.None);
// The HttpClient's resilience pipeline logs every retried request; the delivery summary says enough.
builder.Logging.AddFilter("Polly", LogLevel.None);
builder.Services.AddSingleton<IDeliveryStore>(store);
builder.Services
    .AddSegmentFunctions(o =>
    {
        // Short waits so a run takes seconds: retries within 20 s, batches leave after 0.5 s.
        o.Retry.InitialDelay = TimeSpan.FromMilliseconds(100);
        o.Retry.MaxDelay = TimeSpan.FromSeconds(2);
        o.Retry.RetryWindow = TimeSpan.FromSeconds(20);
        o.Batching.MaxSize = options.BatchSize;
        o.Batching.MaxWait = TimeSpan.FromMilliseconds(500);
        o.MaxConcurrency = 16; // the work is waiting on HTTP, not CPU
    })
    .AddDestination<WebhookForwarder, WebhookSettings>(
        "Webhook",
        s => { s.Url = api.BaseUrl + "/hooks/segment"; s.SharedSecret = "sample-shared-secret"; },
        // One retry inside an invocation, so some failures reach the host's own retries and show;
        // a circuit that opens only when most requests fail (the fake API fails a quarter on purpose).
        d => d.ConfigureResilience = Tolerant)
    .AddDestination<AcmeFunction, AcmeSettings>(
        "Acme",
        s => { s.ApiKey = "sample-acme-key"; s.Endpoint = api.BaseUrl + "/acme/events"; },
        d => d.ConfigureResilience = Tolerant);

using var host = builder.Build();
await host.StartAsync();
var functions = host.Services.GetRequiredService<ISegmentFunctions>();

Console.WriteLine($"Segment.Functions sample: destinations {string.Join(", ", functions.Destinations)}; fake API at {api.BaseUrl}");
var source = options.Input is { } input ? EventStream.ReadLines(input) : EventStream.Generate(options.Events, options.Seed).ToAsyncEnumerable();
var started = Stopwatch.GetTimestamp();
var progress = new Progress(functions, store, options.Progress);
var sent = 0;
await foreach (var line in source)
{
    if (MessageIdOf(line) is { } messageId)
    {
        store.Sent(messageId);
    }

    await functions.SendAsync(line);
    sent++;
    progress.Tick(sent);
}

// Wait until every event has its final outcome (the host retries in the background).
using (var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100)))
{
    while (functions.Destinations.Any(d => functions.GetStatus(d).Pending > 0) && await timer.WaitForNextTickAsync())
    {
        progress.Tick(sent);
    }
}

progress.Done(sent);
await host.StopAsync();
Console.WriteLine();
Console.WriteLine($"Sent {sent} events in {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s; the fake API answered {api.Requests} requests, {api.Failed} with 500 or 429.");
Console.WriteLine();
Summary.Print(functions, store);
return 0;

static void Tolerant(Microsoft.Extensions.Http.Resilience.HttpStandardResilienceOptions resilience)
{
    resilience.Retry.MaxRetryAttempts = 1;
    resilience.Retry.Delay = TimeSpan.FromMilliseconds(20);
    resilience.Retry.ShouldRetryAfterHeader = false; // a 429's Retry-After is left to the host's retry
    resilience.CircuitBreaker.FailureRatio = 0.6;
}

// Reads messageId without building an event (the host parses each line once, itself).
static string? MessageIdOf(byte[] line)
{
    try
    {
        var reader = new Utf8JsonReader(line);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return null;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isId = reader.ValueTextEquals("messageId"u8);
            reader.Read();
            if (isId)
            {
                return reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            }

            reader.Skip();
        }
    }
    catch (JsonException)
    {
    }

    return null;
}
