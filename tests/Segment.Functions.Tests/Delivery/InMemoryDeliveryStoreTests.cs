using Segment.Functions.Delivery;

namespace Segment.Functions.Tests.Delivery;

public sealed class InMemoryDeliveryStoreTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static DeliveryRecord Record(string id, DeliveryState state, OutcomeReason reason = OutcomeReason.None, string destination = "Webhook", int minute = 0) =>
        new() { Destination = destination, MessageId = id, Sequence = id.GetHashCode(StringComparison.Ordinal), State = state, Reason = reason, Attempts = 1, LastAttemptAt = T0.AddMinutes(minute) };

    private static IReadOnlyList<DeliveryRecord> Query(InMemoryDeliveryStore store, DeliveryQuery query)
    {
        var found = store.QueryAsync(query);
        Assert.That(found.IsCompletedSuccessfully, Is.True, "the in-memory store answers at once");
        return found.Result;
    }

    private static void Add(InMemoryDeliveryStore store, params DeliveryRecord[] records) =>
        Assert.That(store.RecordAsync(records).IsCompletedSuccessfully, Is.True);

    [Test]
    public void Query_IsNewestFirst_AndBoundedByMaxRecords()
    {
        var sut = new InMemoryDeliveryStore(maxRecordsPerDestination: 3);

        for (var i = 0; i < 10; i++)
        {
            Add(sut, Record($"m{i}", DeliveryState.Delivered));
        }

        Assert.That(Query(sut, new DeliveryQuery("Webhook")).Select(r => r.MessageId), Is.EqualTo(new[] { "m9", "m8", "m7" }));
    }

    [Test]
    public void Query_KeepsEveryRecordUpToTheLimit_AcrossTheRingGrowing()
    {
        var sut = new InMemoryDeliveryStore(maxRecordsPerDestination: 5_000);

        Add(sut, [.. Enumerable.Range(0, 6_000).Select(i => Record($"m{i}", DeliveryState.Delivered))]);

        var all = Query(sut, new DeliveryQuery("Webhook") { Limit = 10_000 });
        Assert.That(all, Has.Count.EqualTo(5_000));
        Assert.That(all.Select(r => r.MessageId), Is.EqualTo(Enumerable.Range(1_000, 5_000).Reverse().Select(i => $"m{i}")));
    }

    [Test]
    public void Query_FiltersByStateReasonMessageIdAndTime()
    {
        var sut = new InMemoryDeliveryStore();
        Add(
            sut,
            Record("a", DeliveryState.Delivered, minute: 1),
            Record("b", DeliveryState.Discarded, OutcomeReason.MessageRejected, minute: 2),
            Record("c", DeliveryState.Discarded, OutcomeReason.BadRequest, minute: 3),
            Record("d", DeliveryState.Retrying, OutcomeReason.Retry, minute: 4),
            Record("e", DeliveryState.Expired, OutcomeReason.Timeout, minute: 5));

        Assert.That(Query(sut, new DeliveryQuery("Webhook") { States = new HashSet<DeliveryState> { DeliveryState.Discarded, DeliveryState.Expired } }).Select(r => r.MessageId), Is.EqualTo(new[] { "e", "c", "b" }));
        Assert.That(Query(sut, new DeliveryQuery("Webhook") { Reason = OutcomeReason.BadRequest }).Select(r => r.MessageId), Is.EqualTo(new[] { "c" }));
        Assert.That(Query(sut, new DeliveryQuery("Webhook") { MessageId = "d" }).Select(r => r.State), Is.EqualTo(new[] { DeliveryState.Retrying }));
        Assert.That(Query(sut, new DeliveryQuery("Webhook") { Since = T0.AddMinutes(4) }).Select(r => r.MessageId), Is.EqualTo(new[] { "e", "d" }));
    }

    [Test]
    public void Query_PagesWithSkipAndLimit()
    {
        var sut = new InMemoryDeliveryStore();
        Add(sut, [.. Enumerable.Range(0, 10).Select(i => Record($"m{i}", i % 2 == 0 ? DeliveryState.Delivered : DeliveryState.Expired))]);

        var expiredPage2 = Query(sut, new DeliveryQuery("Webhook") { States = new HashSet<DeliveryState> { DeliveryState.Expired }, Skip = 2, Limit = 2 });

        Assert.That(expiredPage2.Select(r => r.MessageId), Is.EqualTo(new[] { "m5", "m3" }));
    }

    [Test]
    public void Destinations_AreKeptApart()
    {
        var sut = new InMemoryDeliveryStore();

        Add(sut, Record("a", DeliveryState.Delivered, destination: "One"));

        Assert.That(Query(sut, new DeliveryQuery("Two")), Is.Empty);
        Assert.That(Query(sut, new DeliveryQuery("One")), Has.Count.EqualTo(1));
    }

    [Test]
    public void Record_FromManyThreads_KeepsTheMostRecentOnesWhole()
    {
        var sut = new InMemoryDeliveryStore(maxRecordsPerDestination: 100);

        Parallel.For(0, 20_000, i => Add(sut, Record($"m{i}", i % 2 == 0 ? DeliveryState.Delivered : DeliveryState.Expired)));

        var kept = Query(sut, new DeliveryQuery("Webhook") { Limit = 1_000 });
        Assert.That(kept, Has.Count.EqualTo(100));
        Assert.That(kept, Is.All.Not.Null);
        Assert.That(kept.Select(r => r.MessageId).Distinct().Count(), Is.EqualTo(100));
    }

    [Test]
    public void Constructor_RefusesAZeroLimit() =>
        Assert.That(() => new InMemoryDeliveryStore(0), Throws.InstanceOf<ArgumentOutOfRangeException>());

    [Test]
    public void DeliveryQuery_RefusesAnEmptyDestination() =>
        Assert.That(() => new DeliveryQuery(""), Throws.ArgumentException);
}
