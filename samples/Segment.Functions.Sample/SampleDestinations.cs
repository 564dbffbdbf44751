using Acme;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Segment.Functions;
using Segment.Functions.Delivery;
using Segment.Functions.Hosting;
using Segment.Functions.JavaScript;

namespace Sample;

/// <summary>The sample's host setup, shared by the streaming run and serve mode.</summary>
public static class SampleDestinations
{
    public static SegmentFunctionsBuilder Add(IServiceCollection services, ILoggingBuilder logging, FakeApi api, SampleOptions options, DeliverySummary summary)
    {
        logging.ClearProviders().AddSimpleConsole(c => c.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
        // The functions log their own warnings into the delivery records; keep the console for the host's.
        logging.AddFilter("Segment.Functions.Destination", LogLevel.None);
        // The HttpClient's resilience pipeline logs every retried request; the delivery summary says enough.
        logging.AddFilter("Polly", LogLevel.None);
        services.AddSingleton<IDeliveryObserver>(summary);
        var functions = services
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
                d => d.ConfigureResilience = Tolerant)
            .AddJavaScriptDestination(
                "CRM (JavaScript)",
                File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "crm-forwarder.js")),
                new FunctionSettings().Set("endpoint", api.BaseUrl + "/").Set("apiKey", "sample-crm-key", encrypted: true),
                d => d.ConfigureResilience = Tolerant);

        // Durable: accepted events, retries and records live in the database (the schema is created at start).
        return options.Postgres is { } connectionString ? functions.UsePostgreSql(connectionString) : functions;
    }

    private static void Tolerant(Microsoft.Extensions.Http.Resilience.HttpStandardResilienceOptions resilience)
    {
        resilience.Retry.MaxRetryAttempts = 1;
        resilience.Retry.Delay = TimeSpan.FromMilliseconds(20);
        resilience.Retry.ShouldRetryAfterHeader = false; // a 429's Retry-After is left to the host's retry
        resilience.CircuitBreaker.FailureRatio = 0.6;
    }
}
