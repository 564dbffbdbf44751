using System.Text;
using Segment.Functions.Delivery;
using Segment.Functions.Dispatch.Internal;
using Segment.Functions.Hosting;

namespace Segment.Functions.Tests.Hosting;

public sealed class RoutingTests
{
    private static Task<TestHost> CreateSut(Probe a, Probe b, Func<SegmentEvent, bool>? filterB = null) =>
        TestHost.StartAsync(null, builder => builder
            .AddDestination<ProbeFunction, ProbeSettings>("Dest A", s => s.Probe = a)
            .AddDestination<ProbeFunction, ProbeSettings>("Dest B", s => s.Probe = b, d => d.Filter = filterB));

    [TestCase(null, true, true)]
    [TestCase("""{"All":false,"Dest A":true}""", true, false)]
    [TestCase("""{"Dest B":false}""", true, false)]
    [TestCase("""{"All":false}""", false, false)]
    [TestCase("""{"All":false,"dest a":true}""", false, false)]
    [TestCase("""{"All":true,"Dest A":false}""", false, true)]
    [TestCase("""{"Dest A":{"sessionId":1},"All":false}""", true, false)]
    [TestCase("""{"All":false,"Dest A":null}""", false, false)]
    [TestCase("[]", true, true)]
    public async Task SendAsync_IntegrationsObject_DecidesWhichDestinationsGetTheEvent(string? integrations, bool toA, bool toB)
    {
        Probe a = new(), b = new();
        await using var host = await CreateSut(a, b);

        var result = await host.Functions.SendAsync(TestEvents.Track(1, integrations: integrations));
        await host.SettleAsync();

        Assert.That((a.Singles.Count, b.Singles.Count), Is.EqualTo((toA ? 1 : 0, toB ? 1 : 0)));
        Assert.That(result.Routed, Is.EqualTo((toA ? 1 : 0) + (toB ? 1 : 0)));
        Assert.That(result.Status, Is.EqualTo(SendStatus.Accepted));
    }

    [TestCase(null, true)]
    [TestCase("""{"All":false,"Dest B":true}""", true)]
    [TestCase("""{"Dest B":false}""", false)]
    public async Task SendAsync_WithSendOptionsDestinations_ReachesOnlyThoseTheEventAlsoAllows(string? integrations, bool toB)
    {
        Probe a = new(), b = new();
        await using var host = await CreateSut(a, b);
        var options = new SendOptions { Destinations = new HashSet<string>(StringComparer.Ordinal) { "Dest B" } };

        var typed = await host.Functions.SendAsync(TestEvents.Track(1, integrations: integrations), options);
        var json = await host.Functions.SendAsync(Encoding.UTF8.GetBytes(TestEvents.TrackJson(2, integrations: integrations)), options);
        await host.SettleAsync();

        Assert.That(a.Singles, Is.Empty, "Dest A is outside the send's destinations, whatever the event allows");
        Assert.That(b.Singles.Count, Is.EqualTo(toB ? 2 : 0));
        Assert.That((typed.Routed, json.Routed), Is.EqualTo((toB ? 1 : 0, toB ? 1 : 0)));
    }

    [Test]
    public void IntegrationsRule_ReadsABagChangedInCode()
    {
        var @event = TestEvents.Track(1, integrations: """{"All":true}""");
        @event.Integrations["Dest A"] = false;

        Assert.That(IntegrationsRule.Allows(@event, "Dest A"), Is.False);
        Assert.That(IntegrationsRule.Allows(@event, "Dest B"), Is.True);
    }

    [Test]
    public void IntegrationsRule_TypedEventBuiltInCode_UsesItsBag()
    {
        var @event = new TrackEvent { Event = "Signed Up", UserId = "u", Integrations = new() { ["All"] = false, ["Dest B"] = true } };

        Assert.That(IntegrationsRule.Allows(@event, "Dest A"), Is.False);
        Assert.That(IntegrationsRule.Allows(@event, "Dest B"), Is.True);
    }

    [Test]
    public async Task SendAsync_Filter_OnlyMatchingEventsReachThatDestination()
    {
        Probe a = new(), b = new();
        await using var host = await CreateSut(a, b, e => e is TrackEvent { Event: "Order Completed" });

        await host.Functions.SendAsync(TestEvents.Track(1, "Order Completed"));
        await host.Functions.SendAsync(TestEvents.Track(2, "Page Scrolled"));
        await host.SettleAsync();

        Assert.That(a.Singles.Count, Is.EqualTo(2));
        Assert.That(b.Singles.Select(e => e.MessageId), Is.EqualTo(new[] { "m-1" }));
    }

    [Test]
    public async Task SendAsync_FilterThrows_DiscardsForThatDestinationOnlyAndSaysWhy()
    {
        Probe a = new(), b = new();
        await using var host = await CreateSut(a, b, _ => throw new InvalidOperationException("filter bug"));

        var result = await host.Functions.SendAsync(TestEvents.Track(1));
        await host.SettleAsync();

        Assert.That(a.Singles.Count, Is.EqualTo(1));
        var record = host.Records("Dest B").Single();
        Assert.That((record.State, record.Reason), Is.EqualTo((DeliveryState.Discarded, OutcomeReason.UnknownError)));
        Assert.That(record.Error!.Message, Does.Contain("The destination filter threw").And.Contain("filter bug"));
        Assert.That(result.Routed, Is.EqualTo(1));
    }

    [TestCase("not json", "JSON")]
    [TestCase("""{"type":"track","userId":"u"}""", "event")]
    [TestCase("""{"type":"launch","userId":"u"}""", "launch")]
    [TestCase("[1,2]", "object")]
    public async Task SendAsync_InvalidBytes_IsAnsweredRecordedAndCounted(string json, string errorMentions)
    {
        Probe a = new(), b = new();
        await using var host = await CreateSut(a, b);

        var result = await host.SendJsonAsync(json);

        Assert.That(result.Status, Is.EqualTo(SendStatus.Invalid));
        Assert.That(result.Error, Does.Contain(errorMentions).IgnoreCase);
        var record = host.Records(DeliveryRecord.RejectedInput).Single();
        Assert.That((record.State, record.Reason, record.Error!.Type), Is.EqualTo((DeliveryState.Discarded, OutcomeReason.BadRequest, "InvalidEventPayload")));
        Assert.That(host.Functions.GetCounts(DeliveryRecord.RejectedInput).Discarded[OutcomeReason.BadRequest], Is.EqualTo(1));
        Assert.That(a.Singles, Is.Empty);
    }

    [Test]
    public async Task SendBatchAsync_Bytes_RejectsTheBadItemAndAcceptsTheOthers()
    {
        Probe a = new(), b = new();
        await using var host = await CreateSut(a, b);
        var json = $"[{TestEvents.TrackJson(1)},{{\"type\":\"track\"}},{TestEvents.TrackJson(3)}]";

        var result = await host.Functions.SendBatchAsync(Encoding.UTF8.GetBytes(json));
        await host.SettleAsync();

        Assert.That(result.Results.Select(r => r.Status), Is.EqualTo(new[] { SendStatus.Accepted, SendStatus.Invalid, SendStatus.Accepted }));
        Assert.That(result.Results[1].Error, Does.StartWith("Event [1]"));
        Assert.That((result.Accepted, result.Rejected), Is.EqualTo((2, 1)));
        Assert.That(a.Singles.Select(e => e.MessageId).Order(), Is.EqualTo(new[] { "m-1", "m-3" }));
    }

    [Test]
    public async Task SendBatchAsync_NotAnArray_IsOneInvalidResult()
    {
        Probe a = new(), b = new();
        await using var host = await CreateSut(a, b);

        var result = await host.Functions.SendBatchAsync(Encoding.UTF8.GetBytes("{\"batch\":1}"));

        Assert.That(result.Results.Single().Status, Is.EqualTo(SendStatus.Invalid));
    }

    [Test]
    public async Task SendBatchAsync_TypedEvents_EachGetsAResult()
    {
        Probe a = new(), b = new();
        await using var host = await CreateSut(a, b);

        var result = await host.Functions.SendBatchAsync([TestEvents.Track(1), TestEvents.Track(2)]);
        await host.SettleAsync();

        Assert.That(result.Accepted, Is.EqualTo(2));
        Assert.That(a.Singles.Count + b.Singles.Count, Is.EqualTo(4));
    }

    [Test]
    public async Task GetStatus_UnknownDestination_ThrowsNamingTheRegisteredOnes()
    {
        Probe a = new(), b = new();
        await using var host = await CreateSut(a, b);

        var error = Assert.Throws<ArgumentException>(() => host.Functions.GetStatus("Nope"));
        Assert.That(error!.Message, Does.Contain("Dest A, Dest B"));
    }
}
