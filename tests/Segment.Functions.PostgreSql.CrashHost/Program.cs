// The crash host: a small app as a user would write it (ingestion in front, two destinations, durable
// delivery on PostgreSQL), started as its own process by the durability tests so that they can kill it
// with SIGKILL mid-flight. It prints "ready <url>" on stdout once it listens; logs go to stderr.
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Segment.Functions.AspNetCore;
using Segment.Functions.Hosting;
using Segment.Functions.PostgreSql.CrashHost;

HostArguments arguments;
try
{
    arguments = HostArguments.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}

var builder = WebApplication.CreateSlimBuilder();
builder.WebHost.UseUrls(arguments.Urls);
builder.Logging.ClearProviders();
builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
builder.Logging.SetMinimumLevel(LogLevel.Warning);

builder.Services.AddSegmentFunctions(options =>
    {
        // Retries due within a fraction of a second, so a test run ends in seconds, not hours.
        options.Retry.InitialDelay = TimeSpan.FromMilliseconds(50);
        options.Retry.MaxDelay = TimeSpan.FromMilliseconds(500);
        options.MaxConcurrency = 8;
        options.Batching.MaxSize = 50;
        options.Batching.MaxWait = TimeSpan.FromMilliseconds(200);
    })
    .AddDestination<SingleFunction, DownstreamSettings>("Single", Configure, WithoutClientRetries)
    .AddDestination<BatchedFunction, DownstreamSettings>("Batched", Configure, WithoutClientRetries)
    .AddIngestion(o => o.WriteKeys.Add(new IngestionWriteKey { Key = arguments.WriteKey }))
    .UsePostgreSql(arguments.Postgres, o =>
    {
        // A killed instance's claims are taken over 2 s later; idle destinations look for due retries every 200 ms.
        o.LeaseDuration = TimeSpan.FromSeconds(2);
        o.InstanceId = arguments.Instance;
        o.PollInterval = TimeSpan.FromMilliseconds(200);
        if (arguments.CommitLinger is { } linger)
        {
            o.CommitLinger = linger;
        }
    });

await using var app = builder.Build();
app.MapSegmentIngestion();
await app.StartAsync();

var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
Console.WriteLine($"ready {address}");
await app.WaitForShutdownAsync();
return 0;

void Configure(DownstreamSettings settings)
{
    settings.Endpoint = arguments.Downstream;
    settings.Instance = arguments.Instance;
}

// What is tested is the host's retries, kept in the database: the client's own retries would hide
// most failures inside one invocation, and its circuit breaker would open at the downstream's 20 %.
static void WithoutClientRetries(DestinationOptions destination) => destination.ConfigureResilience = resilience =>
{
    resilience.Retry.ShouldHandle = static _ => ValueTask.FromResult(false);
    resilience.CircuitBreaker.ShouldHandle = static _ => ValueTask.FromResult(false);
};
