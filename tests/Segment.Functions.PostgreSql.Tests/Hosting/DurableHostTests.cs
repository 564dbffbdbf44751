using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Segment.Functions.Delivery;
using Segment.Functions.Hosting;
using Segment.Functions.PostgreSql.Queue;
using Segment.Functions.PostgreSql.Tests.Cluster;
using Segment.Functions.Tests.Hosting;

namespace Segment.Functions.PostgreSql.Tests.Hosting;

/// <summary>The host on PostgreSQL, end to end in one process: accepted means committed, claims, retries as due times, records and counts in the database.</summary>
public sealed class DurableHostTests : QueueTest
{
    private Task<DurableHost> StartAsync(Probe probe, string instance = "a", TimeProvider? time = null, Action<SegmentFunctionsOptions>? options = null, bool batching = false, Action<IServiceCollection>? more = null) =>
        DurableHost.StartAsync(
            DataSource,
            Options.Schema,
            instance,
            time ?? TimeProvider.System,
            b =>
            {
                if (batching)
                {
                    b.AddDestination<BatchProbeFunction, ProbeSettings>("A", s => s.Probe = probe);
                }
                else
                {
                    b.AddDestination<ProbeFunction, ProbeSettings>("A", s => s.Probe = probe);
                }
            },
            options,
            // On a fake clock a commit must not linger: nobody moves the clock for it.
            storage: time is FakeTimeProvider ? o => o.CommitLinger = TimeSpan.Zero : null,
            more: more);

    private static byte[] Track(int i) => Encoding.UTF8.GetBytes($$"""{"type":"track","event":"Signed Up","userId":"u{{i}}","messageId":"m-{{i}}"}""");

    private Task<long> RowsAsync() => ScalarAsync<long>($"SELECT count(*) FROM {Table("deliveries")}");

    private Task<long> TerminalRecordsAsync(string messageId) =>
        ScalarAsync<long>($"SELECT count(*) FROM {Table("records")} WHERE message_id = $1 AND state <> 'Retrying'", messageId);

    [Test]
    public async Task Accepted_TheEventIsCommittedBeforeTheAnswer()
    {
        var probe = new Probe();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        probe.Handle = (_, _, _) => release.Task;
        await using var host = await StartAsync(probe);

        var result = await host.Functions.SendAsync(Track(1));

        Assert.That((result.Status, result.Routed), Is.EqualTo((SendStatus.Accepted, 1)));
        // The handler has not finished: the event is a row in the database, with no terminal record yet.
        Assert.That(await RowsAsync(), Is.EqualTo(1));
        Assert.That(await TerminalRecordsAsync("m-1"), Is.Zero);
        release.SetResult();
        await host.WaitForCompletionAsync();
        Assert.That(await RowsAsync(), Is.Zero);
        Assert.That(await TerminalRecordsAsync("m-1"), Is.EqualTo(1));
    }

    [Test]
    public async Task Delivered_RecordAndCountsComeFromTheDatabase_ObserversHearOnce()
    {
        var probe = new Probe();
        var observer = new CollectingObserver();
        await using var host = await StartAsync(probe, more: s => s.AddSingleton<IDeliveryObserver>(observer));

        for (var i = 0; i < 20; i++)
        {
            Assert.That((await host.Functions.SendAsync(Track(i))).IsAccepted);
        }

        await host.WaitForCompletionAsync();

        var records = await host.Store.QueryAsync(new DeliveryQuery("A") { Limit = 100 });
        Assert.That(records.Select(r => r.MessageId), Is.EquivalentTo(Enumerable.Range(0, 20).Select(i => $"m-{i}")));
        Assert.That(records.Select(r => r.State), Is.All.EqualTo(DeliveryState.Delivered));
        Assert.That(host.Functions.GetCounts("A").Delivered, Is.EqualTo(20));
        Assert.That(host.Functions.GetStatus("A").Pending, Is.Zero);
        Assert.That(observer.Records.Select(r => r.MessageId), Is.EquivalentTo(records.Select(r => r.MessageId)), "each stored record is observed once");
    }

    [Test]
    public async Task RetryableFailure_RetryIsARowDueLater_ThenDelivered()
    {
        var probe = new Probe { Handle = (_, attempt, _) => attempt < 3 ? throw new RetryError("try later") : Task.CompletedTask };
        await using var host = await StartAsync(probe);

        await host.Functions.SendAsync(Track(7));
        await host.WaitForCompletionAsync();

        var records = (await host.Store.QueryAsync(new DeliveryQuery("A"))).OrderBy(r => r.Attempts).ToArray();
        Assert.That(records.Select(r => (r.State, r.Attempts)), Is.EqualTo(new[] { (DeliveryState.Retrying, 1), (DeliveryState.Retrying, 2), (DeliveryState.Delivered, 3) }));
        Assert.That(records[0].NextAttemptAt, Is.Not.Null);
        Assert.That(records.Select(r => r.FirstAttemptAt).Distinct().Count(), Is.EqualTo(1), "the retry window counts from the first attempt");
        Assert.That(await RowsAsync(), Is.Zero);
    }

    [Test]
    public async Task BatchingDestination_ClaimsUpToMaxSize()
    {
        // Stored before the host starts: its first claim finds all 50 due at once.
        await using (var writer = new DeliveryWriter(DataSource, Options, Time, Telemetry))
        {
            await writer.EnqueueAsync([.. Enumerable.Range(0, 50).Select(i => new NewDelivery("A", $"m-{i}", "track", Track(i)))], CancellationToken.None);
        }

        var probe = new Probe();
        await using var host = await StartAsync(probe, batching: true, options: o =>
        {
            o.Batching.MaxSize = 30;
            o.Batching.MaxWait = TimeSpan.FromMilliseconds(200);
        });

        await host.WaitForCompletionAsync();

        Assert.That(probe.BatchSizes.Sum(), Is.EqualTo(50));
        Assert.That(probe.BatchSizes.Max(), Is.EqualTo(30), "a claim takes up to Batching.MaxSize events, and they reach OnBatch together");
    }

    [Test]
    public async Task RetryDueInThreeHours_SurvivesARestart_AndIsAttemptedAtItsTime()
    {
        // Both instances run on the test's fake clock: the retry's due time is stored, not a timer.
        var first = new Probe { Handle = (_, _, _) => throw new RetryError("come back later") { RetryAfter = TimeSpan.FromHours(3) } };
        var acceptedAt = Time.GetUtcNow();
        await using (var before = await StartAsync(first, instance: "before", time: Time))
        {
            await before.Functions.SendAsync(Track(1));
            await WaitForAsync(async () => await ScalarAsync<long>($"SELECT count(*) FROM {Table("records")} WHERE state = 'Retrying'") == 1);
            Assert.That(await before.StopAsync(), Is.Zero, "nothing is left in this process: the retry waits in the database");
        }

        var retry = (await new PostgreSql.Records.RecordQueries(DataSource, Options).RecentAsync("A", PostgreSql.Records.RecordFilter.None, 10, CancellationToken.None)).Single();
        Assert.That(retry.NextAttemptAt, Is.EqualTo(acceptedAt + TimeSpan.FromHours(3)));

        var second = new Probe();
        await using var after = await StartAsync(second, instance: "after", time: Time);
        Time.Advance(TimeSpan.FromHours(3) + TimeSpan.FromSeconds(1));
        await after.WaitForCompletionAsync();

        var delivered = (await after.Store.QueryAsync(new DeliveryQuery("A") { States = new HashSet<DeliveryState> { DeliveryState.Delivered } })).Single();
        Assert.That(first.Singles, Has.Count.EqualTo(1));
        Assert.That(second.Singles, Has.Count.EqualTo(1));
        Assert.That(delivered.Attempts, Is.EqualTo(2));
        Assert.That(delivered.LastAttemptAt, Is.GreaterThanOrEqualTo(acceptedAt + TimeSpan.FromHours(3)), "not attempted before its time");
        Assert.That(delivered.FirstAttemptAt, Is.EqualTo(retry.FirstAttemptAt), "the retry window still counts from the first attempt");
    }

    // Polls the database in real time, bounded: for what another thread of the host does.
    private static async Task WaitForAsync(Func<Task<bool>> condition)
    {
        var started = TimeProvider.System.GetTimestamp();
        while (!await condition())
        {
            Assert.That(TimeProvider.System.GetElapsedTime(started), Is.LessThan(DurableHost.Guard), "the condition did not hold in time");
            await Task.Delay(TimeSpan.FromMilliseconds(10), TimeProvider.System);
        }
    }

    [Test]
    public async Task StoredEventThatNoLongerParses_IsDiscardedWithARecord()
    {
        // A track without an event name and a user: stored by hand, as if accepted under laxer limits.
        await EnqueueAsync("A", "bad-1");
        var probe = new Probe();
        await using var host = await StartAsync(probe);

        await host.WaitForCompletionAsync();

        var record = (await host.Store.QueryAsync(new DeliveryQuery("A"))).Single();
        Assert.That((record.State, record.Reason), Is.EqualTo((DeliveryState.Discarded, OutcomeReason.BadRequest)));
        Assert.That(record.Error!.Message, Does.StartWith("The stored event can no longer be read"));
        Assert.That(probe.Singles, Is.Empty);
        Assert.That(await RowsAsync(), Is.Zero);
    }

    [Test]
    public async Task StorageFails_SendIsAnsweredUnavailable_NothingIsTaken()
    {
        var probe = new Probe();
        await using var host = await StartAsync(probe);
        await ScalarAsync<object>($"DROP TABLE {Table("deliveries")}");

        var result = await host.Functions.SendAsync(Track(1));

        Assert.That((result.Status, result.Routed), Is.EqualTo((SendStatus.Unavailable, 0)));
        Assert.That(result.Error, Does.Contain("nothing was stored"));
        Assert.That(probe.Singles, Is.Empty);
    }

    [Test]
    public async Task TwoInstancesShareOneStream_EachEventDeliveredOnce()
    {
        var seen = new ConcurrentDictionary<string, int>();
        Probe Counting() => new() { Handle = (e, _, _) => { seen.AddOrUpdate(e.MessageId!, 1, static (_, n) => n + 1); return Task.CompletedTask; } };
        await using var a = await StartAsync(Counting(), instance: "a");
        await using var b = await StartAsync(Counting(), instance: "b");

        await Task.WhenAll(
            Task.Run(async () => { for (var i = 0; i < 300; i += 2) await a.Functions.SendAsync(Track(i)); }),
            Task.Run(async () => { for (var i = 1; i < 300; i += 2) await b.Functions.SendAsync(Track(i)); }));
        await a.WaitForCompletionAsync();
        await b.WaitForCompletionAsync();

        Assert.That(seen.Keys, Has.Count.EqualTo(300));
        Assert.That(seen.Values, Is.All.EqualTo(1), "no event was handled twice: claims are disjoint");
        Assert.That(await ScalarAsync<long>($"SELECT count(DISTINCT message_id) FROM {Table("records")} WHERE state = 'Delivered'"), Is.EqualTo(300));
        Assert.That(await ScalarAsync<long>($"SELECT count(*) FROM {Table("records")}"), Is.EqualTo(300));
    }

    private sealed class CollectingObserver : IDeliveryObserver
    {
        public ConcurrentQueue<DeliveryRecord> Records { get; } = new();

        public void OnRecorded(DeliveryRecord record) => Records.Enqueue(record);
    }
}
