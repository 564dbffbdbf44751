using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Segment.Functions.PostgreSql.Internal;
using Segment.Functions.PostgreSql.Queue;
using Segment.Functions.PostgreSql.Tests.Cluster;

namespace Segment.Functions.PostgreSql.Tests.Queue;

public sealed class DeliveryWriterTests : PostgreSqlTest
{
    private ServiceProvider _services = null!;

    [SetUp]
    public void CreateMetrics() => _services = new ServiceCollection().AddMetrics().BuildServiceProvider();

    [TearDown]
    public void DisposeMetrics() => _services.Dispose();

    [Test]
    public async Task EnqueueAsync_OneEventForTwoDestinations_StoresBodyExactlyAndDueNow()
    {
        Options.CommitLinger = TimeSpan.Zero;
        await using var writer = CreateSut();
        var body = Encoding.UTF8.GetBytes("""{"type":"track","messageId":"m-1",  "event":"Ordered é"}""");

        await writer.EnqueueAsync([Row("A", "m-1", body), Row("B", "m-1", body)], CancellationToken.None);

        await using var command = DataSource.CreateCommand(
            $"SELECT destination, message_id, event_type, body, accepted_at, due_at, attempts, lease_owner, first_attempt_at FROM {Table("deliveries")} ORDER BY destination");
        await using var reader = await command.ExecuteReaderAsync();
        var destinations = new List<string>();
        while (await reader.ReadAsync())
        {
            destinations.Add(reader.GetString(0));
            Assert.That(reader.GetString(1), Is.EqualTo("m-1"));
            Assert.That(reader.GetString(2), Is.EqualTo("track"));
            Assert.That((byte[])reader[3], Is.EqualTo(body), "the event's bytes exactly as accepted");
            Assert.That(reader.GetFieldValue<DateTimeOffset>(4), Is.EqualTo(Time.GetUtcNow()));
            Assert.That(reader.GetFieldValue<DateTimeOffset>(5), Is.EqualTo(Time.GetUtcNow()), "new rows are due at once");
            Assert.That(reader.GetInt32(6), Is.Zero);
            Assert.That(reader.IsDBNull(7) && reader.IsDBNull(8), Is.True);
        }

        Assert.That(destinations, Is.EqualTo(new[] { "A", "B" }));
    }

    [Test]
    public async Task EnqueueAsync_HundredConcurrentCallers_ShareFewTransactions()
    {
        Options.CommitLinger = TimeSpan.FromMilliseconds(50);
        using var sizes = new MetricCollector<int>(_services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), PostgreSqlTelemetry.MeterName, PostgreSqlTelemetry.CommitSizeInstrument);
        await using var writer = CreateSut(TimeProvider.System);
        var xminBefore = await ScalarAsync<long>("SELECT txid_current()");

        await Task.WhenAll(Enumerable.Range(0, 100).Select(i => writer.EnqueueAsync([Row("A", $"m-{i}")], CancellationToken.None).AsTask())).WaitAsync(Timeout);

        Assert.That(await ScalarAsync<long>($"SELECT count(*) FROM {Table("deliveries")}"), Is.EqualTo(100));
        var transactions = await ScalarAsync<long>($"SELECT count(DISTINCT xmin::text) FROM {Table("deliveries")}");
        Assert.That(transactions, Is.LessThanOrEqualTo(5), "100 callers within the linger share a handful of commits, not one each");
        Assert.That(sizes.GetMeasurementSnapshot().Sum(m => m.Value), Is.EqualTo(100));
        Assert.That(sizes.GetMeasurementSnapshot().Count, Is.EqualTo(transactions), "one size measurement per commit");
        Assert.That(xminBefore, Is.GreaterThan(0));
    }

    [Test]
    public async Task EnqueueAsync_CallsWithinTheLinger_CommitTogetherOnlyWhenTheLingerIsOver()
    {
        await using var writer = CreateSut();

        var calls = Enumerable.Range(0, 10).Select(i => writer.EnqueueAsync([Row("A", $"m-{i}")], CancellationToken.None).AsTask()).ToArray();
        // The group waits out the linger on the fake clock: nothing can be committed before it moves.
        Assert.That(calls.Any(call => call.IsCompleted), Is.False);
        var all = Task.WhenAll(calls);
        for (var i = 0; i < 1000 && !all.IsCompleted; i++)
        {
            Time.Advance(Options.CommitLinger);
            await Task.WhenAny(all, Task.Delay(10));
        }

        await all.WaitAsync(Timeout);
        Assert.That(await ScalarAsync<long>($"SELECT count(DISTINCT xmin::text) FROM {Table("deliveries")}"), Is.EqualTo(1), "one transaction for the ten callers");
        Assert.That(await ScalarAsync<long>($"SELECT count(*) FROM {Table("deliveries")}"), Is.EqualTo(10));
    }

    [Test]
    public async Task EnqueueAsync_MaxCommitGroup_CapsRowsPerTransactionWithoutSplittingAnEvent()
    {
        Options.CommitLinger = TimeSpan.FromMilliseconds(20);
        Options.MaxCommitGroup = 10;
        await using var writer = CreateSut(TimeProvider.System);

        // 40 events of 3 rows each: a group holds at most 3 events (9 rows), and an event's rows stay together.
        await Task.WhenAll(Enumerable.Range(0, 40).Select(i =>
            writer.EnqueueAsync([Row("A", $"m-{i}"), Row("B", $"m-{i}"), Row("C", $"m-{i}")], CancellationToken.None).AsTask())).WaitAsync(Timeout);

        var perTransaction = await ScalarAsync<long[]>(
            $"SELECT array_agg(n) FROM (SELECT count(*) AS n FROM {Table("deliveries")} GROUP BY xmin::text) g");
        Assert.That(perTransaction.Sum(), Is.EqualTo(120));
        Assert.That(perTransaction, Has.All.LessThanOrEqualTo(9));
        var eventsSplit = await ScalarAsync<long>(
            $"SELECT count(*) FROM (SELECT message_id FROM {Table("deliveries")} GROUP BY message_id HAVING count(DISTINCT xmin::text) > 1) s");
        Assert.That(eventsSplit, Is.Zero);
    }

    [Test]
    public async Task EnqueueAsync_OneBadRowInTheGroup_FailsEveryCallerAndStoresNothing()
    {
        Options.CommitLinger = TimeSpan.FromMilliseconds(200);
        await using var writer = CreateSut(TimeProvider.System);

        // An empty destination breaks the table's check: the whole group's transaction fails.
        var calls = Enumerable.Range(0, 20)
            .Select(i => writer.EnqueueAsync([Row(i == 7 ? "" : "A", $"m-{i}")], CancellationToken.None).AsTask())
            .ToArray();
        await Task.WhenAny(Task.WhenAll(calls), Task.Delay(Timeout));

        Assert.That(calls.All(call => call.IsCompleted), Is.True);
        var failed = calls.Count(call => call.IsFaulted);
        Assert.That(failed, Is.GreaterThanOrEqualTo(1));
        Assert.That(calls[7].Exception!.InnerException, Is.TypeOf<PostgreSqlCommitException>());
        Assert.That(calls[7].Exception!.InnerException!.Message, Does.Contain("stored none of them"));
        var stored = await ScalarAsync<long>($"SELECT count(*) FROM {Table("deliveries")}");
        Assert.That(stored, Is.EqualTo(20 - failed), "callers that failed stored nothing; the others were not in the failed group");
        Assert.That(failed, Is.GreaterThan(1), "the bad row's group-mates failed with it");
    }

    [Test]
    public async Task EnqueueAsync_CancelledBeforeItsGroupCommits_StoresNothing()
    {
        await using var writer = CreateSut();
        using var cancellation = new CancellationTokenSource();

        // The fake clock holds the group in its linger; the caller gives up meanwhile.
        var call = writer.EnqueueAsync([Row("A", "m-1")], cancellation.Token).AsTask();
        await cancellation.CancelAsync();
        for (var i = 0; i < 100 && !call.IsCompleted; i++)
        {
            Time.Advance(Options.CommitLinger);
            await Task.WhenAny(call, Task.Delay(10));
        }

        Assert.That(call.IsCanceled, Is.True);
        Assert.That(await ScalarAsync<long>($"SELECT count(*) FROM {Table("deliveries")}"), Is.Zero);
    }

    [Test]
    public async Task DisposeAsync_CommitsWhatWasSubmittedThenRefusesMore()
    {
        Options.CommitLinger = TimeSpan.Zero;
        var writer = CreateSut();
        var call = writer.EnqueueAsync([Row("A", "m-1")], CancellationToken.None).AsTask();

        await writer.DisposeAsync().AsTask().WaitAsync(Timeout);

        await call;
        Assert.That(await ScalarAsync<long>($"SELECT count(*) FROM {Table("deliveries")}"), Is.EqualTo(1));
        Assert.ThrowsAsync<ObjectDisposedException>(async () => await writer.EnqueueAsync([Row("A", "m-2")], CancellationToken.None));
    }

    private DeliveryWriter CreateSut(TimeProvider? timeProvider = null) =>
        new(DataSource, Options, timeProvider ?? Time, new PostgreSqlTelemetry(_services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()));

    private static NewDelivery Row(string destination, string messageId, byte[]? body = null) =>
        new(destination, messageId, "track", body ?? Encoding.UTF8.GetBytes($$"""{"type":"track","messageId":"{{messageId}}"}"""));
}
