using Microsoft.Extensions.Options;
using Segment.Functions.Delivery;
using Segment.Functions.PostgreSql.Internal;
using Segment.Functions.PostgreSql.Records;
using Segment.Functions.PostgreSql.Tests.Cluster;

namespace Segment.Functions.PostgreSql.Tests.Records;

/// <summary>The store the host reads records through on PostgreSQL: records of events that never became a delivery, and queries with every filter.</summary>
public sealed class PostgreSqlDeliveryStoreTests : PostgreSqlTest
{
    private PostgreSqlDeliveryStore Store() => new(new PostgreSqlDataSourceHolder(DataSource, owned: false), Microsoft.Extensions.Options.Options.Create(Options));

    private DeliveryRecord Record(string messageId, DeliveryState state, OutcomeReason reason, int minutesAgo) => new()
    {
        Destination = "A",
        MessageId = messageId,
        State = state,
        Reason = reason,
        AcceptedAt = Time.GetUtcNow().AddMinutes(-minutesAgo),
        FirstAttemptAt = Time.GetUtcNow().AddMinutes(-minutesAgo),
        LastAttemptAt = Time.GetUtcNow().AddMinutes(-minutesAgo),
        Error = state == DeliveryState.Delivered ? null : new ErrorInfo("ValidationError", "bad"),
    };

    [Test]
    public async Task RecordAsync_GivesEachRecordItsOwnSequence_QueryAsyncFiltersAndPages()
    {
        var store = Store();
        await store.RecordAsync(
        [
            Record("m-1", DeliveryState.Discarded, OutcomeReason.BadRequest, 30),
            Record("m-2", DeliveryState.Delivered, OutcomeReason.None, 20),
            Record("m-3", DeliveryState.Discarded, OutcomeReason.MessageRejected, 10),
            Record("m-4", DeliveryState.Discarded, OutcomeReason.BadRequest, 0),
        ]);

        var all = await store.QueryAsync(new DeliveryQuery("A"));
        var discarded = await store.QueryAsync(new DeliveryQuery("A") { States = new HashSet<DeliveryState> { DeliveryState.Discarded } });
        var badRequests = await store.QueryAsync(new DeliveryQuery("A") { Reason = OutcomeReason.BadRequest });
        var one = await store.QueryAsync(new DeliveryQuery("A") { MessageId = "m-3" });
        var recent = await store.QueryAsync(new DeliveryQuery("A") { Since = Time.GetUtcNow().AddMinutes(-15) });
        var page = await store.QueryAsync(new DeliveryQuery("A") { Skip = 1, Limit = 2 });
        var none = await store.QueryAsync(new DeliveryQuery("B"));

        Assert.That(all.Select(r => r.MessageId), Is.EqualTo(new[] { "m-4", "m-3", "m-2", "m-1" }), "newest first");
        Assert.That(all.Select(r => r.Sequence).Distinct().Count(), Is.EqualTo(4));
        Assert.That(all[0].AcceptedAt, Is.EqualTo(Time.GetUtcNow()));
        Assert.That(discarded.Select(r => r.MessageId), Is.EqualTo(new[] { "m-4", "m-3", "m-1" }));
        Assert.That(badRequests.Select(r => r.MessageId), Is.EqualTo(new[] { "m-4", "m-1" }));
        Assert.That(one.Single().Error, Is.EqualTo(new ErrorInfo("ValidationError", "bad")));
        Assert.That(recent.Select(r => r.MessageId), Is.EqualTo(new[] { "m-4", "m-3" }));
        Assert.That(page.Select(r => r.MessageId), Is.EqualTo(new[] { "m-3", "m-2" }));
        Assert.That(none, Is.Empty);
    }
}
