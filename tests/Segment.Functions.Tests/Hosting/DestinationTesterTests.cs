using Segment.Functions.Delivery;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Segment.Functions.Hosting;

namespace Segment.Functions.Tests.Hosting;

/// <summary><see cref="IDestinationTester"/>: a destination's function run once, now, without a record or a retry.</summary>
public sealed class DestinationTesterTests
{
    private static Task<TestHost> CreateSut(Probe probe) =>
        TestHost.StartAsync(null, b => b
            .AddDestination<ProbeFunction, ProbeSettings>("Webhook", s => s.Probe = probe)
            .AddDestination<BatchProbeFunction, ProbeSettings>("Batched", s => s.Probe = probe));

    private static Task<TestRun> TestAsync(TestHost host, string destination, string json) =>
        host.Services.GetRequiredService<IDestinationTester>().TestAsync(destination, Encoding.UTF8.GetBytes(json));

    [Test]
    public async Task TestAsync_OneEvent_RunsItsHandlerNow_AndRecordsNothing()
    {
        var probe = new Probe();
        await using var host = await CreateSut(probe);

        var run = await TestAsync(host, "Webhook", TestEvents.TrackJson(1));

        Assert.That(run.Summary.Kind, Is.EqualTo(OutcomeKind.Delivered));
        Assert.That(run.Destination, Is.EqualTo("Webhook"));
        Assert.That(probe.Singles.Select(e => e.MessageId), Is.EqualTo(new[] { "m-1" }));
        Assert.That(host.Store.Recent("Webhook", 10), Is.Empty, "a test run writes no delivery record");
        Assert.That(host.Functions.GetCounts("Webhook").Delivered, Is.Zero);
    }

    [Test]
    public async Task TestAsync_RetryError_IsShownWithItsReasonRedacted_AndNotRetried()
    {
        var probe = new Probe { Handle = static (_, _, _) => throw new RetryError("upstream said 503 for key " + ProbeSettings.Secret) };
        await using var host = await CreateSut(probe);

        var run = await TestAsync(host, "Webhook", TestEvents.TrackJson(1));
        host.Time.Advance(TimeSpan.FromHours(1));
        await host.SettleAsync();

        Assert.That(run.Summary.Kind, Is.EqualTo(OutcomeKind.Retry));
        Assert.That(run.Summary.Reason, Is.EqualTo(OutcomeReason.Retry));
        Assert.That(run.Summary.Error!.Message, Does.Contain("upstream said 503").And.Not.Contain(ProbeSettings.Secret));
        Assert.That(probe.Singles, Has.Count.EqualTo(1), "a test run is not retried");
        Assert.That(host.Functions.GetStatus("Webhook").Pending, Is.Zero);
        Assert.That(host.Store.Recent("Webhook", 10), Is.Empty);
    }

    [Test]
    public async Task TestAsync_Array_RunsOnBatch_WithOneOutcomePerItem()
    {
        var probe = new Probe();
        await using var host = await CreateSut(probe);

        var run = await TestAsync(host, "Batched", $"[{TestEvents.TrackJson(1)}, {{\"type\":\"nope\"}}, {TestEvents.TrackJson(2)}]");

        Assert.That(probe.BatchSizes, Is.EqualTo(new[] { 2 }));
        Assert.That(run.Outcomes.Select(o => o.Kind), Is.EqualTo(new[] { OutcomeKind.Delivered, OutcomeKind.Discarded, OutcomeKind.Delivered }));
        Assert.That(run.Outcomes[1].Reason, Is.EqualTo(OutcomeReason.BadRequest));
        Assert.That(run.Summary.Kind, Is.EqualTo(OutcomeKind.Discarded));
        Assert.That(host.Store.Recent("Batched", 10), Is.Empty);
    }

    [TestCase("not json")]
    [TestCase("{\"type\":\"track\"}")]
    [TestCase("[]")]
    public async Task TestAsync_InvalidInput_IsBadRequest_WithoutRunningTheFunction(string json)
    {
        var probe = new Probe();
        await using var host = await CreateSut(probe);

        var run = await TestAsync(host, "Batched", json);

        Assert.That(run.Summary.Kind, Is.EqualTo(OutcomeKind.Discarded));
        Assert.That(run.Summary.Reason, Is.EqualTo(OutcomeReason.BadRequest));
        Assert.That(run.Summary.Error, Is.Not.Null);
        Assert.That(probe.Singles, Is.Empty);
        Assert.That(probe.BatchSizes, Is.Empty);
        Assert.That(run.Duration, Is.EqualTo(TimeSpan.Zero));
    }

    [Test]
    public async Task TestAsync_UnknownDestination_ThrowsNamingTheRegisteredOnes()
    {
        await using var host = await CreateSut(new Probe());

        var error = Assert.ThrowsAsync<ArgumentException>(() => TestAsync(host, "Nope", TestEvents.TrackJson(1)));

        Assert.That(error!.Message, Does.Contain("\"Nope\"").And.Contain("Webhook, Batched"));
    }
}
