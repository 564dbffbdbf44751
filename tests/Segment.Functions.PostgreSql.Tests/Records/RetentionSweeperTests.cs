using Segment.Functions.Delivery;
using Segment.Functions.PostgreSql.Queue;
using Segment.Functions.PostgreSql.Records;
using Segment.Functions.PostgreSql.Tests.Cluster;

namespace Segment.Functions.PostgreSql.Tests.Records;

public sealed class RetentionSweeperTests : QueueTest
{
    [Test]
    public async Task SweepAsync_OldFinalRecords_DeletedInBatchesUntilNoneLeft()
    {
        Options.RetentionBatchSize = 10;
        var old = Enumerable.Range(0, 25).Select(i => $"old-{i}").ToArray();
        await FinishAsync(old);
        Time.Advance(Options.Retention);
        await FinishAsync("new-1", "new-2");
        Time.Advance(TimeSpan.FromSeconds(1));

        var (deleted, statements) = await new RetentionSweeper(DataSource, Options, Time).SweepAsync(CancellationToken.None);

        Assert.That(deleted, Is.EqualTo(25));
        Assert.That(statements, Is.EqualTo(3), "10 + 10 + 5 rows");
        Assert.That(await ScalarAsync<string[]>($"SELECT array_agg(message_id ORDER BY message_id) FROM {Table("records")}"), Is.EqualTo(new[] { "new-1", "new-2" }));
    }

    [Test]
    public async Task SweepAsync_RetryHistoryOfAPendingDelivery_IsKept()
    {
        await EnqueueAsync("A", "m-1");
        var claimed = (await Claimer().ClaimAsync("A", 1, Time.GetUtcNow(), CancellationToken.None)).Single();
        await using (var completer = Completer())
        {
            await completer.CompleteAsync([new Completion(claimed.Lease, RecordFor(claimed, DeliveryState.Retrying, OutcomeReason.Retry, Time.GetUtcNow().AddDays(30)))], CancellationToken.None);
        }

        Time.Advance(Options.Retention + TimeSpan.FromDays(1));

        var (deleted, _) = await new RetentionSweeper(DataSource, Options, Time).SweepAsync(CancellationToken.None);

        Assert.That(deleted, Is.Zero);
        Assert.That(await ScalarAsync<long>($"SELECT count(*) FROM {Table("records")}"), Is.EqualTo(1));
    }

    [Test]
    public async Task RunAsync_SweepsAtOnceThenEveryHourOnTheClock()
    {
        await FinishAsync(lastAttemptAgo: Options.Retention + TimeSpan.FromSeconds(1), "a");
        using var stop = new CancellationTokenSource();
        var run = new RetentionSweeper(DataSource, Options, Time).RunAsync(stop.Token);
        await WaitForRecordCountAsync(0);
        await FinishAsync(lastAttemptAgo: Options.Retention + TimeSpan.FromSeconds(1), "b");

        Time.Advance(TimeSpan.FromMinutes(59));
        await Task.Delay(100);
        Assert.That(await ScalarAsync<long>($"SELECT count(*) FROM {Table("records")}"), Is.EqualTo(1), "nothing runs before the hour is up");
        Time.Advance(TimeSpan.FromMinutes(1));
        await WaitForRecordCountAsync(0);

        await stop.CancelAsync();
        await run.WaitAsync(Timeout);
        Assert.That(run.IsCompletedSuccessfully, Is.True);
    }

    private Task FinishAsync(params string[] messageIds) => FinishAsync(TimeSpan.Zero, messageIds);

    private async Task FinishAsync(TimeSpan lastAttemptAgo, params string[] messageIds)
    {
        await EnqueueAsync("A", messageIds);
        var claimed = await Claimer().ClaimAsync("A", messageIds.Length, Time.GetUtcNow(), CancellationToken.None);
        await using var completer = Completer();
        await completer.CompleteAsync(claimed.Select(c => new Completion(c.Lease, RecordFor(c, DeliveryState.Delivered) with { LastAttemptAt = Time.GetUtcNow() - lastAttemptAgo })).ToArray(), CancellationToken.None);
    }

    // The sweep runs on its own task; the server is asked until it is done (bounded, no fixed sleep).
    private async Task WaitForRecordCountAsync(long expected)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (await ScalarAsync<long>($"SELECT count(*) FROM {Table("records")}") != expected)
        {
            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), $"records never reached {expected}");
            await Task.Delay(20);
        }
    }
}
