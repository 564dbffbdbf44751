using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Http.Resilience;
using Segment.Functions.Delivery;
using Segment.Functions.Tests.Hosting;

namespace Segment.Functions.Tests.Reliability;

/// <summary>
/// Faults of a real HTTP API on loopback, through the host's own HttpClient: each ends in the
/// outcome SPEC §2 gives, and the retry schedule honours the server.
/// </summary>
public sealed class DownstreamFaultTests
{
    private FaultyApi _api = null!;

    [OneTimeSetUp]
    public async Task StartApi() => _api = await FaultyApi.StartAsync();

    [OneTimeTearDown]
    public async Task StopApi() => await _api.DisposeAsync();

    // Retries inside one invocation off, real-time timeouts far away: what is tested is the
    // function's and the host's handling, on the fake clock.
    private static void Plain(HttpStandardResilienceOptions resilience)
    {
        resilience.Retry.ShouldHandle = static _ => ValueTask.FromResult(false);
        resilience.AttemptTimeout.Timeout = TimeSpan.FromMinutes(1);
        resilience.TotalRequestTimeout.Timeout = TimeSpan.FromMinutes(2);
        resilience.CircuitBreaker.SamplingDuration = TimeSpan.FromMinutes(5);
    }

    private static Task<TestHost> CreateSut(string url) =>
        TestHost.StartAsync(null, b => b.AddDestination<ForwardingFunction, ForwardingSettings>("Api", s => s.Url = url, d => d.ConfigureResilience = Plain));

    private static async Task<DeliveryRecord> SendOneAsync(TestHost host)
    {
        await host.Functions.SendAsync(TestEvents.Track(1));
        await host.SettleAsync();
        return host.Records("Api")[^1];
    }

    [TestCase(500)]
    [TestCase(503)]
    public async Task ServerError_IsRetried(int status)
    {
        await using var host = await CreateSut($"{_api.BaseUrl}/status/{status}");

        var record = await SendOneAsync(host);

        Assert.That((record.State, record.Reason, record.Error!.Message), Is.EqualTo((DeliveryState.Retrying, OutcomeReason.Retry, $"HTTP Status {status}")));
        Assert.That(record.HttpTraces.Single().StatusCode, Is.EqualTo(status));
    }

    [Test]
    public async Task ClientError_IsDiscarded()
    {
        await using var host = await CreateSut($"{_api.BaseUrl}/status/422");

        var record = await SendOneAsync(host);

        Assert.That((record.State, record.Reason), Is.EqualTo((DeliveryState.Discarded, OutcomeReason.MessageRejected)));
    }

    [Test]
    public async Task TooManyRequests_NextAttemptWaitsForRetryAfter()
    {
        await using var host = await CreateSut($"{_api.BaseUrl}/throttle");
        var before = _api.Hits("/throttle");

        var record = await SendOneAsync(host);
        Assert.That((record.State, record.Reason), Is.EqualTo((DeliveryState.Retrying, OutcomeReason.Retry)));

        host.Time.Advance(TimeSpan.FromSeconds(119));
        await host.SettleAsync();
        Assert.That(_api.Hits("/throttle") - before, Is.EqualTo(1), "not before the 120 s the server asked for");

        host.Time.Advance(TimeSpan.FromSeconds(1));
        await host.SettleAsync();
        Assert.That(_api.Hits("/throttle") - before, Is.EqualTo(2));
        Assert.That(host.Records("Api")[^1].Attempts, Is.EqualTo(2));
    }

    [Test]
    public async Task SlowResponse_PastTheInvocationTimeout_IsATimeoutRetry()
    {
        await using var host = await CreateSut($"{_api.BaseUrl}/hang");

        await host.Functions.SendAsync(TestEvents.Track(1));
        await _api.Hung.Task.WaitAsync(TimeSpan.FromSeconds(30));
        host.Time.Advance(TimeSpan.FromSeconds(5));
        await host.SettleAsync();

        var record = host.Records("Api").Single();
        Assert.That((record.State, record.Reason), Is.EqualTo((DeliveryState.Retrying, OutcomeReason.Timeout)));
        Assert.That(host.Functions.GetStatus("Api").InFlight, Is.Zero, "the worker was freed");
    }

    [Test]
    public async Task ConnectionRefused_IsRetried()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop(); // nobody listens there now
        await using var host = await CreateSut($"http://127.0.0.1:{port}/events");

        var record = await SendOneAsync(host);

        Assert.That((record.State, record.Reason), Is.EqualTo((DeliveryState.Retrying, OutcomeReason.Retry)));
        Assert.That(record.Error!.Message, Does.Contain("ConnectionError"));
        Assert.That(record.HttpTraces.Single().Error, Is.Not.Null.And.Not.Empty);
    }

    [TestCase("/reset")]
    [TestCase("/truncated")]
    public async Task BrokenResponse_IsRetried(string path)
    {
        await using var host = await CreateSut(_api.BaseUrl + path);

        var record = await SendOneAsync(host);

        Assert.That((record.State, record.Reason), Is.EqualTo((DeliveryState.Retrying, OutcomeReason.Retry)), record.Error?.Message);
    }

    [Test]
    public async Task FlappingEndpoint_IsDeliveredOnALaterAttempt()
    {
        await using var host = await CreateSut($"{_api.BaseUrl}/flap");

        for (var i = 0; i < 4; i++)
        {
            await host.Functions.SendAsync(TestEvents.Track(i));
        }

        await host.RunToCompletionAsync(TimeSpan.FromSeconds(1));

        var final = host.Records("Api").Where(r => r.IsTerminal).ToArray();
        Assert.That(final, Has.Length.EqualTo(4));
        Assert.That(final.Select(r => r.State), Is.All.EqualTo(DeliveryState.Delivered));
        Assert.That(final.Sum(r => r.Attempts), Is.GreaterThan(4), "some needed a retry");
    }

    [Test]
    public async Task Traces_OfAFailure_HideTheToken()
    {
        await using var host = await CreateSut($"{_api.BaseUrl}/status/500?token={ForwardingSettings.Secret}");

        var record = await SendOneAsync(host);

        Assert.That(System.Text.Json.JsonSerializer.Serialize(record), Does.Not.Contain(ForwardingSettings.Secret));
        Assert.That(record.HttpTraces.Single().Url, Does.Contain("token=***"));
    }
}
