using Segment.Functions.Delivery;
using Segment.Functions.Hosting;
using Segment.Functions.PostgreSql.Queue;
using Segment.Functions.PostgreSql.Records;
using Segment.Functions.PostgreSql.Tests.Cluster;

namespace Segment.Functions.PostgreSql.Tests.Records;

public sealed class RecordQueriesTests : QueueTest
{
    [Test]
    public async Task RecentAsync_NewestDeliveryFirstWithEveryFieldReadBack()
    {
        await EnqueueAsync("A", "m-1", "m-2");
        var claimed = await Claimer().ClaimAsync("A", 2, Time.GetUtcNow(), CancellationToken.None);
        var trace = new HttpTrace { Method = "POST", Url = "https://example.test/", StatusCode = 500, ResponseHeaders = [new("retry-after", "1")], Duration = TimeSpan.FromMilliseconds(5), StartedAt = Time.GetUtcNow() };
        var failed = RecordFor(claimed[1], DeliveryState.Discarded, OutcomeReason.UnknownError) with
        {
            Error = new ErrorInfo("InvalidOperationException", "boom"),
            Logs = "warn: x",
            HttpTraces = [trace],
            OmittedHttpTraces = 1,
            EventJson = """{"type":"track","messageId":"m-2"}""",
        };
        await CompleteAsync(new Completion(claimed[0].Lease, RecordFor(claimed[0], DeliveryState.Delivered)), new Completion(claimed[1].Lease, failed));

        var recent = await new RecordQueries(DataSource, Options).RecentAsync("A", RecordFilter.None, 10, CancellationToken.None);

        Assert.That(recent.Select(r => r.MessageId), Is.EqualTo(new[] { "m-2", "m-1" }));
        var read = recent[0];
        Assert.That(read with { HttpTraces = [] }, Is.EqualTo(failed with { HttpTraces = [] }));
        var readTrace = read.HttpTraces.Single();
        Assert.That((readTrace.Method, readTrace.Url, readTrace.StatusCode, readTrace.Duration, readTrace.StartedAt), Is.EqualTo((trace.Method, trace.Url, trace.StatusCode, trace.Duration, trace.StartedAt)));
        Assert.That(readTrace.ResponseHeaders, Is.EqualTo(trace.ResponseHeaders));
    }

    [Test]
    public async Task RecentAsync_Filters_ByStateReasonMessageIdAndPage()
    {
        await EnqueueAsync("A", "m-1", "m-2", "m-3", "m-4");
        var claimed = await Claimer().ClaimAsync("A", 4, Time.GetUtcNow(), CancellationToken.None);
        await CompleteAsync(
            new Completion(claimed[0].Lease, RecordFor(claimed[0], DeliveryState.Delivered)),
            new Completion(claimed[1].Lease, RecordFor(claimed[1], DeliveryState.Discarded, OutcomeReason.MessageRejected)),
            new Completion(claimed[2].Lease, RecordFor(claimed[2], DeliveryState.Discarded, OutcomeReason.InvalidSettings)),
            new Completion(claimed[3].Lease, RecordFor(claimed[3], DeliveryState.Retrying, OutcomeReason.Retry, Time.GetUtcNow().AddMinutes(1))));
        var queries = new RecordQueries(DataSource, Options);

        var failures = await queries.RecentAsync("A", new RecordFilter { States = [DeliveryState.Discarded, DeliveryState.Retrying] }, 10, CancellationToken.None);
        var rejected = await queries.RecentAsync("A", new RecordFilter { Reason = OutcomeReason.MessageRejected }, 10, CancellationToken.None);
        var byMessage = await queries.RecentAsync("A", new RecordFilter { MessageId = "m-3" }, 10, CancellationToken.None);
        var firstPage = await queries.RecentAsync("A", RecordFilter.None, 2, CancellationToken.None);
        var secondPage = await queries.RecentAsync("A", new RecordFilter { BeforeSequence = firstPage[^1].Sequence }, 2, CancellationToken.None);
        var otherDestination = await queries.RecentAsync("B", RecordFilter.None, 10, CancellationToken.None);

        Assert.That(failures.Select(r => r.MessageId), Is.EqualTo(new[] { "m-4", "m-3", "m-2" }));
        Assert.That(rejected.Select(r => r.MessageId), Is.EqualTo(new[] { "m-2" }));
        Assert.That(byMessage.Select(r => r.Reason), Is.EqualTo(new[] { OutcomeReason.InvalidSettings }));
        Assert.That(firstPage.Select(r => r.MessageId), Is.EqualTo(new[] { "m-4", "m-3" }));
        Assert.That(secondPage.Select(r => r.MessageId), Is.EqualTo(new[] { "m-2", "m-1" }));
        Assert.That(otherDestination, Is.Empty);
    }

    [Test]
    public async Task CountsAsync_FinalOutcomesByStateAndReasonSinceATime_AndEventsWaitingForRetry()
    {
        await EnqueueAsync("A", "old", "m-1", "m-2", "m-3", "m-4", "m-5");
        var claimed = await Claimer().ClaimAsync("A", 6, Time.GetUtcNow(), CancellationToken.None);
        await CompleteAsync(new Completion(claimed[0].Lease, RecordFor(claimed[0], DeliveryState.Delivered)));
        Time.Advance(TimeSpan.FromHours(1));
        var since = Time.GetUtcNow();
        await CompleteAsync(
            new Completion(claimed[1].Lease, RecordFor(claimed[1], DeliveryState.Delivered)),
            new Completion(claimed[2].Lease, RecordFor(claimed[2], DeliveryState.Discarded, OutcomeReason.MessageRejected)),
            new Completion(claimed[3].Lease, RecordFor(claimed[3], DeliveryState.Expired, OutcomeReason.Retry)),
            new Completion(claimed[4].Lease, RecordFor(claimed[4], DeliveryState.Retrying, OutcomeReason.Retry, Time.GetUtcNow().AddMinutes(1))));
        // claimed[5] is in its first attempt: not waiting for a retry.
        var queries = new RecordQueries(DataSource, Options);

        var all = await queries.CountsAsync("A", since: null, CancellationToken.None);
        var recent = await queries.CountsAsync("A", since, CancellationToken.None);

        Assert.That(all.Delivered, Is.EqualTo(2));
        Assert.That(recent.Delivered, Is.EqualTo(1));
        Assert.That(recent.Discarded, Is.EqualTo(new Dictionary<OutcomeReason, long> { [OutcomeReason.MessageRejected] = 1 }));
        Assert.That(recent.Expired, Is.EqualTo(1));
        Assert.That(recent.Retrying, Is.EqualTo(1));
    }

    [Test]
    public async Task PendingAsync_QueuedInFlightAndWaitingForRetry_AcrossInstances()
    {
        await EnqueueAsync("A", "m-1", "m-2", "m-3", "m-4", "m-5");
        await EnqueueAsync("B", "b-1");
        var mine = await Claimer().ClaimAsync("A", 2, Time.GetUtcNow(), CancellationToken.None);
        var theirs = await Claimer("instance-b").ClaimAsync("A", 1, Time.GetUtcNow(), CancellationToken.None);
        await CompleteAsync(new Completion(mine[0].Lease, RecordFor(mine[0], DeliveryState.Retrying, OutcomeReason.Retry, Time.GetUtcNow().AddHours(1))));

        var pending = await new RecordQueries(DataSource, Options).PendingAsync(Time.GetUtcNow(), CancellationToken.None);

        Assert.That(pending, Is.EqualTo(new[]
        {
            new DestinationStatus("A", Queued: 2, InFlight: 2, WaitingForRetry: 1),
            new DestinationStatus("B", Queued: 1, InFlight: 0, WaitingForRetry: 0),
        }));
        Assert.That(theirs, Has.Count.EqualTo(1));
        Time.Advance(Options.LeaseDuration);
        var afterLeasesExpired = await new RecordQueries(DataSource, Options).PendingAsync(Time.GetUtcNow(), CancellationToken.None);
        Assert.That(afterLeasesExpired[0], Is.EqualTo(new DestinationStatus("A", Queued: 4, InFlight: 0, WaitingForRetry: 1)), "an expired lease is queued again");
    }

    private async Task CompleteAsync(params Completion[] completions)
    {
        await using var completer = Completer();
        var results = await completer.CompleteAsync(completions, CancellationToken.None);
        Assert.That(results, Is.All.EqualTo(CompletionResult.Completed));
    }
}
