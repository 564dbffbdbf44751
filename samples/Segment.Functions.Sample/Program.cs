using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Sample;
using Segment.Functions;
using Segment.Functions.Hosting;

// The main job on the embedded in-memory default: the host runs three destinations (a single-event
// webhook forwarder, the batching Acme function and a JavaScript function) against a fake API on loopback, fed by a
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
var summary = new DeliverySummary();
if (options.Serve)
{
    return await Serve.RunAsync(api, options, summary);
}

var builder = Host.CreateApplicationBuilder();
SampleDestinations.Add(builder.Services, builder.Logging, api, options, summary);

using var host = builder.Build();
await host.StartAsync();
var functions = host.Services.GetRequiredService<ISegmentFunctions>();

Console.WriteLine($"Segment.Functions sample: destinations {string.Join(", ", functions.Destinations)}; fake API at {api.BaseUrl}");
var source = options.Input is { } input ? EventStream.ReadLines(input) : EventStream.Generate(options.Events, options.Seed).ToAsyncEnumerable();
var started = Stopwatch.GetTimestamp();
var progress = new Progress(functions, options.Progress);
var sent = 0;
await foreach (var line in source)
{
    await functions.SendAsync(line);
    sent++;
    progress.Tick(sent);
}

// Wait until every event has its final outcome (the host retries in the background).
var completion = functions.WaitForCompletionAsync();
using (var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100)))
{
    while (!completion.IsCompleted && await timer.WaitForNextTickAsync())
    {
        progress.Tick(sent);
    }
}

await completion;

progress.Done(sent);
await host.StopAsync();
Console.WriteLine();
Console.WriteLine($"Sent {sent} events in {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s; the fake API answered {api.Requests} requests, {api.Failed} with 500 or 429.");
Console.WriteLine();
Summary.Print(functions, summary);
return 0;
