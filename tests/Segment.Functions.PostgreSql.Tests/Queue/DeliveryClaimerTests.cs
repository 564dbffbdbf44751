using Segment.Functions.PostgreSql.Queue;
using Segment.Functions.PostgreSql.Tests.Cluster;

namespace Segment.Functions.PostgreSql.Tests.Queue;

public sealed class DeliveryClaimerTests : QueueTest
{
    [Test]
    public async Task ClaimAsync_DueRows_ClaimsOldestFirstUpToMaxAndCountsTheAttempt()
    {
        await EnqueueAsync("A", "m-1", "m-2", "m-3");
        await EnqueueAsync("B", "b-1");

        var claimed = await Claimer().ClaimAsync("A", 2, Time.GetUtcNow(), CancellationToken.None);

        Assert.That(claimed.Select(c => c.MessageId), Is.EqualTo(new[] { "m-1", "m-2" }));
        Assert.That(claimed.Select(c => c.Attempt), Is.All.EqualTo(1));
        Assert.That(claimed[0].FirstAttemptAt, Is.EqualTo(Time.GetUtcNow()));
        Assert.That(claimed[0].LeaseExpiresAt, Is.EqualTo(Time.GetUtcNow() + Options.LeaseDuration));
        Assert.That(claimed[0].Body, Is.EqualTo("""{"type":"track","messageId":"m-1"}"""u8.ToArray()));
        Assert.That(await ScalarAsync<string>($"SELECT lease_owner FROM {Table("deliveries")} WHERE id = $1", claimed[0].Lease.Id), Is.EqualTo("instance-a"));
        var rest = await Claimer().ClaimAsync("A", 10, Time.GetUtcNow(), CancellationToken.None);
        Assert.That(rest.Select(c => c.MessageId), Is.EqualTo(new[] { "m-3" }), "claimed rows are not claimed again while leased");
    }

    [Test]
    public async Task ReleaseAsync_UnstartedClaims_AreDueAtOnceWithTheirAttemptUndone()
    {
        await EnqueueAsync("A", "m-1", "m-2");
        var claimed = await Claimer().ClaimAsync("A", 2, Time.GetUtcNow(), CancellationToken.None);
        Time.Advance(TimeSpan.FromSeconds(5));

        var released = await Claimer().ReleaseAsync([claimed[0].Lease], Time.GetUtcNow(), CancellationToken.None);
        var byOther = await Claimer("instance-b").ReleaseAsync([claimed[1].Lease], Time.GetUtcNow(), CancellationToken.None);
        var again = (await Claimer("instance-b").ClaimAsync("A", 10, Time.GetUtcNow(), CancellationToken.None)).Single();

        Assert.That((released, byOther), Is.EqualTo((1, 0)), "only the instance that holds a claim gives it back");
        Assert.That((again.MessageId, again.Attempt), Is.EqualTo(("m-1", 1)), "taken at once by another instance, as a first attempt");
        Assert.That(again.FirstAttemptAt, Is.EqualTo(Time.GetUtcNow()), "the first attempt is the one that runs, not the claim given back");
    }

    [Test]
    public async Task ClaimAsync_RetryDueLater_NotClaimedBeforeItsTime()
    {
        await EnqueueAsync("A", "m-1");
        var first = (await Claimer().ClaimAsync("A", 1, Time.GetUtcNow(), CancellationToken.None)).Single();
        await using var completer = Completer();
        var retryAt = Time.GetUtcNow().AddHours(3);
        await completer.CompleteAsync([new Completion(first.Lease, RecordFor(first, Segment.Functions.Delivery.DeliveryState.Retrying, OutcomeReason.Retry, retryAt))], CancellationToken.None);

        Time.Advance(TimeSpan.FromHours(3) - TimeSpan.FromMilliseconds(1));
        var early = await Claimer().ClaimAsync("A", 10, Time.GetUtcNow(), CancellationToken.None);
        Time.Advance(TimeSpan.FromMilliseconds(1));
        var onTime = await Claimer().ClaimAsync("A", 10, Time.GetUtcNow(), CancellationToken.None);

        Assert.That(early, Is.Empty);
        Assert.That(onTime.Single().Attempt, Is.EqualTo(2));
        Assert.That(onTime.Single().FirstAttemptAt, Is.EqualTo(first.FirstAttemptAt), "the retry window counts from the first attempt");
    }

    [Test]
    public async Task ClaimAsync_TwoClaimersAtOnce_GetDisjointRows()
    {
        var ids = Enumerable.Range(0, 200).Select(i => $"m-{i}").ToArray();
        await EnqueueAsync("A", ids);
        var now = Time.GetUtcNow();

        var claims = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            Task.Run(async () =>
            {
                var mine = new List<string>();
                var claimer = Claimer(i % 2 == 0 ? "instance-a" : "instance-b");
                while (true)
                {
                    var batch = await claimer.ClaimAsync("A", 7, now, CancellationToken.None);
                    if (batch.Count == 0)
                    {
                        return mine;
                    }

                    mine.AddRange(batch.Select(c => c.MessageId));
                }
            }))).WaitAsync(Timeout);

        var all = claims.SelectMany(c => c).ToList();
        Assert.That(all, Has.Count.EqualTo(200));
        Assert.That(all, Is.Unique);
        Assert.That(claims.Count(c => c.Count > 0), Is.GreaterThan(1), "several claimers got work");
    }

    [Test]
    public async Task ClaimAsync_ExpiredLeaseOfAnotherInstance_IsTakenOverButALiveOneIsNot()
    {
        await EnqueueAsync("A", "m-1");
        var dead = (await Claimer("instance-dead").ClaimAsync("A", 1, Time.GetUtcNow(), CancellationToken.None)).Single();

        Time.Advance(Options.LeaseDuration - TimeSpan.FromSeconds(1));
        var whileLive = await Claimer().ClaimAsync("A", 1, Time.GetUtcNow(), CancellationToken.None);
        Time.Advance(TimeSpan.FromSeconds(1));
        var afterExpiry = await Claimer().ClaimAsync("A", 1, Time.GetUtcNow(), CancellationToken.None);

        Assert.That(whileLive, Is.Empty);
        Assert.That(afterExpiry.Single().Lease.Id, Is.EqualTo(dead.Lease.Id));
        Assert.That(afterExpiry.Single().Attempt, Is.EqualTo(2));
        Assert.That(await ScalarAsync<string>($"SELECT lease_owner FROM {Table("deliveries")}"), Is.EqualTo("instance-a"));
    }

    [Test]
    public async Task RenewAsync_HeldLeases_ExtendedAndLostOnesLeftOut()
    {
        await EnqueueAsync("A", "m-1", "m-2");
        var claimed = await Claimer().ClaimAsync("A", 2, Time.GetUtcNow(), CancellationToken.None);
        Time.Advance(Options.LeaseDuration);
        // m-2's lease ran out and another instance took it; m-1's is renewed first.
        var renewedFirst = await Claimer().RenewAsync([claimed[0].Lease], Time.GetUtcNow(), CancellationToken.None);
        var other = await Claimer("instance-b").ClaimAsync("A", 10, Time.GetUtcNow(), CancellationToken.None);

        var renewed = await Claimer().RenewAsync([claimed[0].Lease, claimed[1].Lease], Time.GetUtcNow(), CancellationToken.None);

        Assert.That(renewedFirst, Is.EquivalentTo(new[] { claimed[0].Lease.Id }));
        Assert.That(other.Select(c => c.Lease.Id), Is.EqualTo(new[] { claimed[1].Lease.Id }), "the renewed lease was not taken over");
        Assert.That(renewed, Is.EquivalentTo(new[] { claimed[0].Lease.Id }));
        Assert.That(await ScalarAsync<DateTime>($"SELECT due_at FROM {Table("deliveries")} WHERE id = $1", claimed[0].Lease.Id),
            Is.EqualTo((Time.GetUtcNow() + Options.LeaseDuration).UtcDateTime));
    }

    [Test]
    public async Task RenewAsync_SameInstanceReclaimedAfterExpiry_OldClaimIsNotRenewed()
    {
        await EnqueueAsync("A", "m-1");
        var old = (await Claimer().ClaimAsync("A", 1, Time.GetUtcNow(), CancellationToken.None)).Single();
        Time.Advance(Options.LeaseDuration);
        var again = (await Claimer().ClaimAsync("A", 1, Time.GetUtcNow(), CancellationToken.None)).Single();

        var renewed = await Claimer().RenewAsync([old.Lease], Time.GetUtcNow(), CancellationToken.None);

        Assert.That(again.Lease.Id, Is.EqualTo(old.Lease.Id));
        Assert.That(renewed, Is.Empty, "the lease is the claim (row and attempt), not just the instance's name");
    }

    [Test]
    public async Task NextDueAsync_ReportsEarliestDueTimeOrNull()
    {
        Assert.That(await Claimer().NextDueAsync("A", CancellationToken.None), Is.Null);
        await EnqueueAsync("A", "m-1");
        var claimed = (await Claimer().ClaimAsync("A", 1, Time.GetUtcNow(), CancellationToken.None)).Single();

        Assert.That(await Claimer().NextDueAsync("A", CancellationToken.None), Is.EqualTo(claimed.LeaseExpiresAt), "a leased row falls due when its lease runs out");
        await using var completer = Completer();
        var retryAt = Time.GetUtcNow().AddMinutes(10);
        await completer.CompleteAsync([new Completion(claimed.Lease, RecordFor(claimed, Segment.Functions.Delivery.DeliveryState.Retrying, OutcomeReason.Retry, retryAt))], CancellationToken.None);
        Assert.That(await Claimer().NextDueAsync("A", CancellationToken.None), Is.EqualTo(retryAt));
    }
}
