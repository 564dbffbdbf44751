using Segment.Functions.Delivery;
using Segment.Functions.PostgreSql.Queue;
using Segment.Functions.PostgreSql.Tests.Cluster;
using Segment.Functions.Pipeline.Internal;

namespace Segment.Functions.PostgreSql.Tests.Queue;

public sealed class DeliveryCompleterTests : QueueTest
{
    [Test]
    public async Task CompleteAsync_Terminal_RemovesTheRowAndWritesOneRecordWithItsDetails()
    {
        await EnqueueAsync("A", "m-1");
        var claimed = (await Claimer().ClaimAsync("A", 1, Time.GetUtcNow(), CancellationToken.None)).Single();
        await using var completer = Completer();
        var trace = new HttpTrace { Method = "POST", Url = "https://example.test/x", StatusCode = 400, RequestHeaders = [new("a", "b")], Duration = TimeSpan.FromMilliseconds(12) };
        var record = RecordFor(claimed, DeliveryState.Discarded, OutcomeReason.MessageRejected) with
        {
            Error = new ErrorInfo("ValidationError", "bad email"),
            Logs = "info: checking",
            HttpTraces = [trace],
            OmittedHttpTraces = 2,
            EventJson = """{"type":"track"}""",
        };

        var results = await completer.CompleteAsync([new Completion(claimed.Lease, record)], CancellationToken.None);

        Assert.That(results, Is.EqualTo(new[] { CompletionResult.Completed }));
        Assert.That(await ScalarAsync<long>($"SELECT count(*) FROM {Table("deliveries")}"), Is.Zero);
        await using var command = DataSource.CreateCommand(
            $"SELECT delivery_id, state, reason, attempts, error_type, error_message, logs, http_traces::text, omitted_http_traces, event_json FROM {Table("records")}");
        await using var reader = await command.ExecuteReaderAsync();
        Assert.That(await reader.ReadAsync(), Is.True);
        Assert.That(reader.GetInt64(0), Is.EqualTo(claimed.Lease.Id));
        Assert.That(reader.GetString(1), Is.EqualTo("Discarded"));
        Assert.That(reader.GetString(2), Is.EqualTo("MessageRejected"));
        Assert.That(reader.GetInt32(3), Is.EqualTo(1));
        Assert.That(reader.GetString(4), Is.EqualTo("ValidationError"));
        Assert.That(reader.GetString(5), Is.EqualTo("bad email"));
        Assert.That(reader.GetString(6), Is.EqualTo("info: checking"));
        Assert.That(reader.GetString(7), Does.Contain("\"Url\": \"https://example.test/x\""));
        Assert.That(reader.GetInt32(8), Is.EqualTo(2));
        Assert.That(reader.GetString(9), Is.EqualTo("""{"type":"track"}"""));
        Assert.That(await reader.ReadAsync(), Is.False, "exactly one record");
    }

    [Test]
    public async Task CompleteAsync_Retry_MovesDueTimeClearsLeaseAndWritesARetryingRecord()
    {
        await EnqueueAsync("A", "m-1");
        var claimed = (await Claimer().ClaimAsync("A", 1, Time.GetUtcNow(), CancellationToken.None)).Single();
        await using var completer = Completer();
        var retryAt = Time.GetUtcNow().AddMinutes(5);

        var results = await completer.CompleteAsync([new Completion(claimed.Lease, RecordFor(claimed, DeliveryState.Retrying, OutcomeReason.Retry, retryAt))], CancellationToken.None);

        Assert.That(results, Is.EqualTo(new[] { CompletionResult.Completed }));
        Assert.That(await ScalarAsync<DateTime>($"SELECT due_at FROM {Table("deliveries")}"), Is.EqualTo(retryAt.UtcDateTime));
        Assert.That(await ScalarAsync<bool>($"SELECT lease_owner IS NULL FROM {Table("deliveries")}"), Is.True);
        Assert.That(await ScalarAsync<string>($"SELECT state || '/' || next_attempt_at::text FROM {Table("records")}"), Does.StartWith("Retrying/"));
    }

    [Test]
    public async Task CompleteAsync_LeaseLostAndRowReclaimed_WritesNoSecondTerminalRecord()
    {
        await EnqueueAsync("A", "m-1");
        var slow = (await Claimer().ClaimAsync("A", 1, Time.GetUtcNow(), CancellationToken.None)).Single();
        Time.Advance(Options.LeaseDuration);
        var other = (await Claimer("instance-b").ClaimAsync("A", 1, Time.GetUtcNow(), CancellationToken.None)).Single();
        await using var otherCompleter = Completer("instance-b");
        await using var slowCompleter = Completer();

        var otherResult = await otherCompleter.CompleteAsync([new Completion(other.Lease, RecordFor(other, DeliveryState.Delivered))], CancellationToken.None);
        var slowResult = await slowCompleter.CompleteAsync([new Completion(slow.Lease, RecordFor(slow, DeliveryState.Delivered))], CancellationToken.None);

        Assert.That(otherResult, Is.EqualTo(new[] { CompletionResult.Completed }));
        Assert.That(slowResult, Is.EqualTo(new[] { CompletionResult.LeaseLost }));
        Assert.That(await ScalarAsync<long>($"SELECT count(*) FROM {Table("records")}"), Is.EqualTo(1));
        Assert.That(await ScalarAsync<int>($"SELECT attempts FROM {Table("records")}"), Is.EqualTo(2));
    }

    [Test]
    public async Task CompleteAsync_LostLeaseNotYetReclaimed_IsStillCompletedByItsHolder()
    {
        await EnqueueAsync("A", "m-1");
        var claimed = (await Claimer().ClaimAsync("A", 1, Time.GetUtcNow(), CancellationToken.None)).Single();
        Time.Advance(Options.LeaseDuration * 2);
        await using var completer = Completer();

        var results = await completer.CompleteAsync([new Completion(claimed.Lease, RecordFor(claimed, DeliveryState.Delivered))], CancellationToken.None);

        Assert.That(results, Is.EqualTo(new[] { CompletionResult.Completed }), "nobody else took the row: the attempt's outcome stands");
        Assert.That(await ScalarAsync<long>($"SELECT count(*) FROM {Table("deliveries")}"), Is.Zero);
    }

    [Test]
    public async Task CompleteAsync_SameLeaseTwice_OnlyTheFirstIsWritten()
    {
        await EnqueueAsync("A", "m-1");
        var claimed = (await Claimer().ClaimAsync("A", 1, Time.GetUtcNow(), CancellationToken.None)).Single();
        await using var completer = Completer();

        var first = await completer.CompleteAsync([new Completion(claimed.Lease, RecordFor(claimed, DeliveryState.Delivered))], CancellationToken.None);
        var second = await completer.CompleteAsync([new Completion(claimed.Lease, RecordFor(claimed, DeliveryState.Discarded, OutcomeReason.UnknownError))], CancellationToken.None);

        Assert.That(first, Is.EqualTo(new[] { CompletionResult.Completed }));
        Assert.That(second, Is.EqualTo(new[] { CompletionResult.LeaseLost }));
        Assert.That(await ScalarAsync<string>($"SELECT string_agg(state, ',') FROM {Table("records")}"), Is.EqualTo("Delivered"));
    }

    [Test]
    public async Task CompleteAsync_ManyWorkersAtOnce_AllWrittenInFewerTransactions()
    {
        var ids = Enumerable.Range(0, 100).Select(i => $"m-{i}").ToArray();
        await EnqueueAsync("A", ids);
        var claimed = await Claimer().ClaimAsync("A", 100, Time.GetUtcNow(), CancellationToken.None);
        await using var completer = new DeliveryCompleter(DataSource, new PostgreSqlOptions { Schema = Options.Schema, InstanceId = Options.InstanceId, CommitLinger = TimeSpan.FromMilliseconds(50) }, TimeProvider.System, Telemetry);

        var results = await Task.WhenAll(claimed.Select(c =>
            completer.CompleteAsync([new Completion(c.Lease, RecordFor(c, DeliveryState.Delivered))], CancellationToken.None).AsTask())).WaitAsync(Timeout);

        Assert.That(results.SelectMany(r => r), Is.All.EqualTo(CompletionResult.Completed));
        Assert.That(await ScalarAsync<long>($"SELECT count(*) FROM {Table("records")}"), Is.EqualTo(100));
        Assert.That(await ScalarAsync<long>($"SELECT count(DISTINCT xmin::text) FROM {Table("records")}"), Is.LessThanOrEqualTo(5));
    }

    [Test]
    public void CompleteAsync_RetryWithoutNextAttempt_ThrowsSayingWhatIsMissing()
    {
        var completer = Completer();
        var record = new DeliveryRecord { Destination = "A", MessageId = "m", State = DeliveryState.Retrying };

        var exception = Assert.ThrowsAsync<ArgumentException>(async () => await completer.CompleteAsync([new Completion(new JournalLease(1, 1), record)], CancellationToken.None));

        Assert.That(exception!.Message, Does.StartWith("The Retrying record of delivery 1 has no NextAttemptAt"));
    }
}
