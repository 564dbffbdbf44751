using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Segment.Functions.Delivery;
using Segment.Functions.Hosting;
using Segment.Functions.Testing;
using Segment.Functions.Tests.Hosting;

namespace Segment.Functions.Tests.Delivery;

/// <summary>A function that puts its secret everywhere it can: logs, URL, header, body, error message.</summary>
public sealed class LeakyFunction : DestinationFunction<ProbeSettings>
{
    public override async Task OnTrack(TrackEvent @event, ProbeSettings settings, CancellationToken cancellationToken)
    {
        Logger.LogInformation("Sending {Event} with key {ApiKey}", @event.Event, settings.ApiKey);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{settings.Endpoint}?key={settings.ApiKey}")
        {
            Content = JsonContent.Create(new { key = settings.ApiKey, name = @event.Event }),
        };
        request.Headers.Add("X-Custom-Token", settings.ApiKey);
        using var response = await Http.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new ValidationError($"Rejected {(int)response.StatusCode} for key {settings.ApiKey}");
        }
    }
}

public sealed class DeliveryRecordContentTests
{
    private static Task<TestHost> CreateSut(FakeHttpHandler http) =>
        TestHost.StartAsync(
            null,
            b => b.AddDestination<LeakyFunction, ProbeSettings>("Leaky", _ => { }),
            services => services.ConfigureHttpClientDefaults(client => client.ConfigurePrimaryHttpMessageHandler(() => http)));

    [Test]
    public async Task Failure_KeepsErrorLogsAndTracesOfTheLastAttempt_WithTheSecretRedacted()
    {
        var http = new FakeHttpHandler();
        http.On(HttpMethod.Post, "https://probe.test/api*").Respond(HttpStatusCode.BadRequest, "{\"error\":\"bad\"}");
        await using var host = await CreateSut(http);

        await host.Functions.SendAsync(TestEvents.Track(7, "Checkout"));
        await host.SettleAsync();

        var record = host.Records("Leaky").Single();
        Assert.That((record.State, record.Reason, record.MessageId, record.EventType), Is.EqualTo((DeliveryState.Discarded, OutcomeReason.MessageRejected, "m-7", "track")));
        Assert.That(record.Error!.Message, Is.EqualTo("Rejected 400 for key ***"));
        Assert.That(record.Logs, Does.Contain("Sending Checkout with key ***"));
        var trace = record.HttpTraces.Single();
        Assert.That((trace.Method, trace.StatusCode), Is.EqualTo(("POST", (int?)400)));
        Assert.That(trace.Url, Is.EqualTo("https://probe.test/api?key=***"));
        Assert.That(trace.ResponseBody, Does.Contain("bad"));
        Assert.That(JsonSerializer.Serialize(record), Does.Not.Contain(ProbeSettings.Secret));
        Assert.That(record.ToString(), Does.Not.Contain(ProbeSettings.Secret));
        Assert.That(http.Received.Single().RequestUri!.Query, Does.Contain(ProbeSettings.Secret), "the real request did carry the key");
    }

    [Test]
    public async Task Delivered_KeepsNoLogsOrTraces()
    {
        var http = new FakeHttpHandler();
        http.On(HttpMethod.Post, "https://probe.test/api*").Respond(HttpStatusCode.OK);
        await using var host = await CreateSut(http);

        await host.Functions.SendAsync(TestEvents.Track(1));
        await host.SettleAsync();

        var record = host.Records("Leaky").Single();
        Assert.That(record.State, Is.EqualTo(DeliveryState.Delivered));
        Assert.That(record.Logs, Is.Empty);
        Assert.That(record.HttpTraces, Is.Empty);
        Assert.That(record.Error, Is.Null);
    }

    [Test]
    public void FitInside_TunesTheResiliencePipelineToTheInvocationTimeout()
    {
        var options = new Microsoft.Extensions.Http.Resilience.HttpStandardResilienceOptions();

        SegmentFunctionsBuilder.FitInside(options, TimeSpan.FromSeconds(5));

        Assert.That(options.TotalRequestTimeout.Timeout, Is.EqualTo(TimeSpan.FromSeconds(5)));
        Assert.That(options.AttemptTimeout.Timeout, Is.EqualTo(TimeSpan.FromSeconds(2.5)));
        Assert.That(options.Retry.Delay, Is.LessThanOrEqualTo(TimeSpan.FromMilliseconds(500)));
        Assert.That(options.CircuitBreaker.SamplingDuration, Is.GreaterThanOrEqualTo(options.AttemptTimeout.Timeout * 2));
    }
}
