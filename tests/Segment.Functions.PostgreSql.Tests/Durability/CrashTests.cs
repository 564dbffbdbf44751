namespace Segment.Functions.PostgreSql.Tests.Durability;

/// <summary>
/// A host process under load is killed with SIGKILL (or stopped with SIGTERM) and started again on the
/// same database: every event it answered 200 must still end with exactly one terminal record per
/// destination, delivered.
/// </summary>
[NonParallelizable]
public sealed class CrashTests : DurabilityTest
{
    private const int Events = 2_000;
    private const int BatchSize = 50;
    private const int Senders = 4;

    [Test]
    [CancelAfter(180_000)]
    public async Task KilledMidFlight_EveryEventAnswered200EndsOncePerDestination()
    {
        using var load = new LoadSender("mid-flight", Events, BatchSize);

        var claimedAtKill = await SendKillAndRestartAsync(load, commitLinger: null, static host => host.Kill());

        Assert.That(claimedAtKill, Is.Not.Empty, "the killed host held no claim: no delivery was in flight");
        await AssertEveryAcceptedEventEndedOnceAsync(load, claimedAtKill);
    }

    [Test]
    [CancelAfter(180_000)]
    public async Task KilledDuringGroupCommit_EveryEventAnswered200EndsOncePerDestination()
    {
        using var load = new LoadSender("group-commit", Events, BatchSize);

        // A request is answered once its group commits, half a second after the group formed: the kill
        // lands while the requests in flight are waiting in (or for) a group.
        var claimedAtKill = await SendKillAndRestartAsync(load, commitLinger: TimeSpan.FromMilliseconds(500), static host => host.Kill());

        Assert.That(load.Unanswered, Is.Not.Empty, "no request was in flight at the kill: no group was cut");
        await AssertEveryAcceptedEventEndedOnceAsync(load, claimedAtKill);
    }

    [Test]
    [CancelAfter(180_000)]
    public async Task StoppedWithSigtermMidFlight_ExitsCleanlyAndEveryEventAnswered200EndsOncePerDestination()
    {
        using var load = new LoadSender("sigterm", Events, BatchSize);
        var exitCode = -1;

        // What the stopped host still holds after it exited is what it did not finish (its leases run out,
        // the next host takes them): only those may be delivered twice.
        var stillClaimed = await SendKillAndRestartAsync(load, commitLinger: null, host => exitCode = host.Terminate(TimeSpan.FromSeconds(60)));

        Assert.That(exitCode, Is.Zero, "the host's exit code after SIGTERM");
        await AssertEveryAcceptedEventEndedOnceAsync(load, stillClaimed);
    }

    /// <summary>
    /// Sends through a first host until half the requests were answered, ends it, starts a second
    /// one (new instance id, same database), sends the rest through it and waits until nothing is
    /// pending. Returns the rows the first host still had claimed once it was gone.
    /// </summary>
    private async Task<HashSet<(string MessageId, string Destination)>> SendKillAndRestartAsync(LoadSender load, TimeSpan? commitLinger, Action<CrashHostProcess> end)
    {
        var first = await StartHostAsync("crash-first", commitLinger);
        using (var stop = CancellationTokenSource.CreateLinkedTokenSource(TestTimeout))
        {
            var sending = load.SendAsync(_ => first.BaseUrl, Senders, stop.Token, TestTimeout);
            await load.WhenAnsweredAsync(load.Batches.Count / 2).WaitAsync(TestTimeout);
            // No new requests; the ones in flight are cut by the kill (or answered before a graceful stop).
            stop.Cancel();
            end(first);
            await sending;
        }

        var heldWhenEnded = await ClaimedByAsync(first.InstanceId);
        TestContext.Out.WriteLine($"ended after {load.Answered.Count} events answered 200 ({load.Unanswered.Count} in requests cut); {await PendingAsync()} rows pending, {heldWhenEnded.Count} of them still claimed by it, {await EndedAsync()} ended; "
            + $"the downstream had answered 2xx to {Downstream.DeliveriesByInstance().GetValueOrDefault(first.InstanceId)} of its attempts");

        var second = await StartHostAsync("crash-second", commitLinger);
        await load.SendAsync(_ => second.BaseUrl, Senders, TestTimeout, TestTimeout);
        Assert.That(load.Remaining, Is.Zero, "the second host did not take every remaining batch");
        await WaitUntilNothingPendingAsync();
        return heldWhenEnded;
    }
}
