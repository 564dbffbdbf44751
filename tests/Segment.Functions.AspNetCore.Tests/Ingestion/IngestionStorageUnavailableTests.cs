using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Segment.Functions.AspNetCore;
using Segment.Functions.Delivery;
using Segment.Functions.Hosting;
using Segment.Functions.Pipeline.Internal;

namespace Segment.Functions.Tests.Ingestion;

/// <summary>With durable storage that cannot commit, a request is refused with 503 and Retry-After, and nothing is taken.</summary>
public sealed class IngestionStorageUnavailableTests
{
    private const string Key = "wk-storage";

    [Test]
    public async Task CommitFails_Is503WithRetryAfter_NothingTaken_AndSentAgainLaterItIsTaken()
    {
        var journal = new RefusingJournal();
        await using var server = await IngestionServer.StartAsync(
            o => o.WriteKeys.Add(new IngestionWriteKey { Key = Key }),
            web: b => b.Services.AddSingleton<IDeliveryJournal>(journal));
        const string batch = """{"batch":[{"type":"track","userId":"u","event":"E","messageId":"m-1"}]}""";

        using var refused = await server.PostAsync("/v1/batch", batch, Key);
        journal.Refuse = false;
        using var again = await server.PostAsync("/v1/batch", batch, Key);

        Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
        Assert.That(refused.Headers.RetryAfter?.Delta, Is.EqualTo(TimeSpan.FromSeconds(1)));
        Assert.That((string?)JsonNode.Parse(await refused.Content.ReadAsStringAsync())!["code"], Is.EqualTo("unavailable"));
        Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the refusal was not remembered as a duplicate");
        Assert.That(journal.Appended, Is.EqualTo(new[] { "m-1" }), "only the second request was stored");
    }

    // Durable storage that refuses commits while told to, and keeps what it took; it never has anything to claim.
    private sealed class RefusingJournal : IDeliveryJournal
    {
        public volatile bool Refuse = true;

        public List<string> Appended { get; } = [];

        public TimeSpan LeaseDuration => TimeSpan.FromSeconds(30);

        public TimeSpan PollInterval => TimeSpan.FromSeconds(1);

        public Task StartAsync(IReadOnlyCollection<string> destinations, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public ValueTask AppendAsync(IReadOnlyList<JournalEntry> entries, CancellationToken cancellationToken)
        {
            if (Refuse)
            {
                throw new InvalidOperationException("the database is down");
            }

            lock (Appended)
            {
                Appended.AddRange(entries.Select(e => e.MessageId));
            }

            return ValueTask.CompletedTask;
        }

        public Task<IReadOnlyList<JournalClaim>> ClaimAsync(string destination, int max, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<JournalClaim>>([]);

        public Task<IReadOnlySet<long>> RenewAsync(IReadOnlyCollection<JournalLease> leases, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlySet<long>>(new HashSet<long>());

        public Task ReleaseAsync(IReadOnlyCollection<JournalLease> leases, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task<bool> CompleteAsync(JournalLease lease, DeliveryRecord record, CancellationToken cancellationToken) => Task.FromResult(true);

        public Task NextWakeUp(string destination) => Task.Delay(Timeout.Infinite, CancellationToken.None);

        public Task WaitAsync(string destination, Task wakeUp, CancellationToken cancellationToken) => Task.Delay(Timeout.Infinite, cancellationToken);

        public Task<bool> HasPendingAsync(string destination, CancellationToken cancellationToken) => Task.FromResult(false);

        public DestinationStatus Status(string destination) => new(destination, 0, 0, 0);

        public DeliveryCounts Counts(string destination) => new(0, new Dictionary<OutcomeReason, long>(), 0, 0);

        public Task RefreshAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
