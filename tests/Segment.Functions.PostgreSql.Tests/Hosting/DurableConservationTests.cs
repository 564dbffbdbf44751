using System.Text;
using Segment.Functions.Delivery;
using Segment.Functions.PostgreSql.Tests.Cluster;
using Segment.Functions.Tests.Hosting;

namespace Segment.Functions.PostgreSql.Tests.Hosting;

/// <summary>
/// The conservation test on PostgreSQL: many events, concurrent senders, transient and permanent
/// failures and expiries over three destinations (one batching, one filtered); every routed event ends
/// in exactly one terminal record in the database, and the counts add up.
/// </summary>
public sealed class DurableConservationTests : PostgreSqlTest
{
    private const int EventCount = 100_000;
    // Each send waits for its commit: many senders at once is what lets commits be shared.
    private const int Senders = 64;

    [Test]
    [Category("Long")]
    [CancelAfter(300_000)]
    public async Task ManyEvents_Faults_EveryRoutedEventEndsInExactlyOneTerminalRecord()
    {
        await using var host = await DurableHost.StartAsync(
            DataSource,
            Options.Schema,
            "conservation",
            TimeProvider.System,
            b => b.AddChaosDestinations(),
            o =>
            {
                o.Batching.MaxSize = 50;
                o.Batching.MaxWait = TimeSpan.FromMilliseconds(50);
                // The always-failing events expire within the test.
                o.Retry.RetryWindow = TimeSpan.FromSeconds(1);
            });

        var expected = ChaosRouting.Expected(EventCount);

        var senders = Enumerable.Range(0, Senders).Select(s => Task.Run(async () =>
        {
            var accepted = 0;
            for (var i = s; i < EventCount; i += Senders)
            {
                var json = ChaosRouting.Json(i);
                accepted += (await host.Functions.SendAsync(Encoding.UTF8.GetBytes(json))).IsAccepted ? 1 : 0;
            }

            return accepted;
        })).ToArray();

        Assert.That((await Task.WhenAll(senders)).Sum(), Is.EqualTo(EventCount));
        await host.Functions.WaitForCompletionAsync().WaitAsync(TimeSpan.FromMinutes(4));

        Assert.That(await ScalarAsync<long>($"SELECT count(*) FROM {Table("deliveries")}"), Is.Zero, "nothing is left to deliver");
        Assert.That(
            await ScalarAsync<long>($"SELECT count(*) FROM (SELECT delivery_id FROM {Table("records")} WHERE state <> 'Retrying' GROUP BY delivery_id HAVING count(*) > 1) AS twice"),
            Is.Zero,
            "no delivery has two terminal records");
        foreach (var (destination, routed) in expected)
        {
            var terminal = await ScalarAsync<long>(
                $"SELECT count(DISTINCT message_id) FROM {Table("records")} WHERE destination = $1 AND state <> 'Retrying'", destination);
            var records = await ScalarAsync<long>(
                $"SELECT count(*) FROM {Table("records")} WHERE destination = $1 AND state <> 'Retrying'", destination);
            Assert.That((terminal, records), Is.EqualTo((routed, routed)), $"{destination}: one terminal record per routed event");

            var counts = host.Functions.GetCounts(destination);
            Assert.That(counts.Delivered + counts.DiscardedTotal + counts.Expired, Is.EqualTo(routed), destination);
            Assert.That(counts.Retrying, Is.Zero, destination);
            Assert.That(counts.Expired, Is.GreaterThan(0), $"{destination}: the always-failing events expire");
            Assert.That(counts.Discarded[OutcomeReason.MessageRejected], Is.GreaterThan(0), destination);
        }
    }
}
