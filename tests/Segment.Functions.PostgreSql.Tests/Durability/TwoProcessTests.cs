namespace Segment.Functions.PostgreSql.Tests.Durability;

/// <summary>
/// Two host processes on one database share one stream of deliveries: each event ends once per
/// destination whichever host took it, and when one host is killed the other finishes its work,
/// including the events the dead one held under leases, once those expire.
/// </summary>
[NonParallelizable]
public sealed class TwoProcessTests : DurabilityTest
{
    private const int Events = 2_000;
    private const int BatchSize = 50;
    private const int Senders = 4;

    [Test]
    [CancelAfter(180_000)]
    public async Task TwoHosts_EventsSentToBoth_EachEndsOncePerDestination()
    {
        using var load = new LoadSender("two-hosts", Events, BatchSize);
        var a = await StartHostAsync("two-a");
        var b = await StartHostAsync("two-b");

        await load.SendAsync(batch => batch % 2 == 0 ? a.BaseUrl : b.BaseUrl, Senders, TestTimeout, TestTimeout);
        await WaitUntilNothingPendingAsync();

        // Nobody was killed: no event may reach the downstream twice.
        await AssertEveryAcceptedEventEndedOnceAsync(load, heldWhenEnded: new HashSet<(string, string)>());
        Assert.That(load.Answered, Has.Count.EqualTo(Events), "every request to a running host is answered 200");
        Assert.That(Downstream.DeliveriesByInstance().Keys, Is.EquivalentTo(new[] { "two-a", "two-b" }), "both hosts delivered");
    }

    [Test]
    [CancelAfter(180_000)]
    public async Task OneOfTwoKilled_SurvivorFinishesEverythingIncludingItsLeases()
    {
        using var load = new LoadSender("survivor", Events, BatchSize);
        var killed = await StartHostAsync("two-killed");
        var survivor = await StartHostAsync("two-survivor");

        HashSet<(string MessageId, string Destination)> claimedAtKill;
        using (var stop = CancellationTokenSource.CreateLinkedTokenSource(TestTimeout))
        {
            var sending = load.SendAsync(batch => batch % 2 == 0 ? killed.BaseUrl : survivor.BaseUrl, Senders, stop.Token, TestTimeout);
            await load.WhenAnsweredAsync(load.Batches.Count / 2).WaitAsync(TestTimeout);
            stop.Cancel();
            killed.Kill();
            // Read at once, well before its leases expire (2 s after their last renewal): until then the survivor may not take these rows.
            claimedAtKill = await ClaimedByAsync(killed.InstanceId);
            await sending;
        }

        TestContext.Out.WriteLine($"killed after {load.Answered.Count} events answered 200; {await PendingAsync()} rows pending, {claimedAtKill.Count} of them claimed by it");
        // The rest of the stream goes to the survivor alone.
        await load.SendAsync(_ => survivor.BaseUrl, Senders, TestTimeout, TestTimeout);
        await WaitUntilNothingPendingAsync();

        Assert.That(claimedAtKill, Is.Not.Empty, "the killed host held no claim at the kill: no lease had to expire");
        Assert.That(survivor.HasExited, Is.False, "the survivor died");
        await AssertEveryAcceptedEventEndedOnceAsync(load, claimedAtKill);
    }
}
