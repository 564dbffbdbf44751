using Segment.Functions.Delivery;

namespace Segment.Functions.Tests.Delivery;

public sealed class InMemoryDeliveryStoreTests
{
    private static DeliveryRecord Record(string id, DeliveryState state, OutcomeReason reason = OutcomeReason.None, string destination = "Webhook") =>
        new() { Destination = destination, MessageId = id, Sequence = id.GetHashCode(StringComparison.Ordinal), State = state, Reason = reason, Attempts = 1 };

    [Test]
    public void Counts_TwoEventsSharingAMessageId_AreTwoRetrying()
    {
        var sut = new InMemoryDeliveryStore();

        sut.Record(Record("same", DeliveryState.Retrying, OutcomeReason.Retry) with { Sequence = 1 });
        sut.Record(Record("same", DeliveryState.Retrying, OutcomeReason.Retry) with { Sequence = 2 });
        Assert.That(sut.Counts("Webhook").Retrying, Is.EqualTo(2));

        sut.Record(Record("same", DeliveryState.Delivered) with { Sequence = 1 });
        Assert.That(sut.Counts("Webhook").Retrying, Is.EqualTo(1));
    }

    [Test]
    public void Counts_AddUpByOutcomeAndReason()
    {
        var sut = new InMemoryDeliveryStore();

        sut.Record(Record("a", DeliveryState.Delivered));
        sut.Record(Record("b", DeliveryState.Discarded, OutcomeReason.MessageRejected));
        sut.Record(Record("c", DeliveryState.Discarded, OutcomeReason.MessageRejected));
        sut.Record(Record("d", DeliveryState.Discarded, OutcomeReason.BadRequest));
        sut.Record(Record("e", DeliveryState.Retrying, OutcomeReason.Retry));
        sut.Record(Record("f", DeliveryState.Expired, OutcomeReason.Timeout));

        var counts = sut.Counts("Webhook");
        Assert.That(counts.Delivered, Is.EqualTo(1));
        Assert.That(counts.Discarded[OutcomeReason.MessageRejected], Is.EqualTo(2));
        Assert.That(counts.Discarded[OutcomeReason.BadRequest], Is.EqualTo(1));
        Assert.That(counts.DiscardedTotal, Is.EqualTo(3));
        Assert.That(counts.Retrying, Is.EqualTo(1));
        Assert.That(counts.Expired, Is.EqualTo(1));
    }

    [Test]
    public void Counts_RetryThenDelivered_LeavesRetrying()
    {
        var sut = new InMemoryDeliveryStore();

        sut.Record(Record("a", DeliveryState.Retrying, OutcomeReason.Retry));
        sut.Record(Record("a", DeliveryState.Retrying, OutcomeReason.Timeout));
        Assert.That(sut.Counts("Webhook").Retrying, Is.EqualTo(1));
        sut.Record(Record("a", DeliveryState.Delivered));

        var counts = sut.Counts("Webhook");
        Assert.That(counts.Retrying, Is.Zero);
        Assert.That(counts.Delivered, Is.EqualTo(1));
    }

    [Test]
    public void Recent_IsNewestFirstAndBoundedWhileCountsKeepEverything()
    {
        var sut = new InMemoryDeliveryStore(maxRecordsPerDestination: 3);

        for (var i = 0; i < 10; i++)
        {
            sut.Record(Record($"m{i}", DeliveryState.Delivered));
        }

        Assert.That(sut.Recent("Webhook", 100).Select(r => r.MessageId), Is.EqualTo(new[] { "m9", "m8", "m7" }));
        Assert.That(sut.Counts("Webhook").Delivered, Is.EqualTo(10));
    }

    [Test]
    public void Destinations_AreKeptApart()
    {
        var sut = new InMemoryDeliveryStore();

        sut.Record(Record("a", DeliveryState.Delivered, destination: "One"));

        Assert.That(sut.Counts("Two").Delivered, Is.Zero);
        Assert.That(sut.Recent("Two", 100), Is.Empty);
        Assert.That(sut.Recent("One", 100), Has.Count.EqualTo(1));
    }

    [Test]
    public void Record_FromManyThreads_CountsEveryRecord()
    {
        var sut = new InMemoryDeliveryStore(maxRecordsPerDestination: 100);

        Parallel.For(0, 20_000, i => sut.Record(Record($"m{i}", i % 2 == 0 ? DeliveryState.Delivered : DeliveryState.Expired)));

        var counts = sut.Counts("Webhook");
        Assert.That(counts.Delivered + counts.Expired, Is.EqualTo(20_000));
        Assert.That(sut.Recent("Webhook", 1000), Has.Count.EqualTo(100));
    }
}
