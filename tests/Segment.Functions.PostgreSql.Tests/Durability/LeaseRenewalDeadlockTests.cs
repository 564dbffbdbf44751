using System.Text;
using Npgsql;
using Segment.Functions.Delivery;
using Segment.Functions.PostgreSql.Queue;
using Segment.Functions.PostgreSql.Tests.Cluster;

namespace Segment.Functions.PostgreSql.Tests.Durability;

/// <summary>
/// The storage-level reproduction of what the two-process tests saw (server log: "deadlock detected"
/// between the lease renewal and a grouped completion): an instance renews the leases of every event
/// it holds, including those whose completion is being committed at that moment, and the two
/// statements lock the same rows in different orders. When the completion is the deadlock's victim,
/// its whole group is lost and every event in it is delivered again after its lease runs out, though
/// nothing crashed.
/// </summary>
public sealed class LeaseRenewalDeadlockTests : QueueTest
{
    private const int Rounds = 20;
    private const int Rows = 500;

    [Test]
    [CancelAfter(120_000)]
    public async Task RenewAsync_WhileAGroupCompletesTheSameRows_NeitherFailsWithADeadlock()
    {
        var token = TestContext.CurrentContext.CancellationToken;
        var claimer = Claimer();
        await using var completer = Completer();
        await using var writer = new DeliveryWriter(DataSource, Options, Time, Telemetry);
        var failures = new List<string>();

        for (var round = 0; round < Rounds; round++)
        {
            await writer.EnqueueAsync([.. Enumerable.Range(0, Rows).Select(i => new NewDelivery("A", $"r{round}-{i}", "track", Encoding.UTF8.GetBytes("""{"type":"track"}""")))], token);
            var claimed = await claimer.ClaimAsync("A", Rows, Time.GetUtcNow(), token);
            // The renewal walks the held events in one order, the completions arrive in another (as
            // workers finish): here, exactly opposite.
            var leases = claimed.Select(c => c.Lease).Reverse().ToList();
            var completions = claimed.Select(c => new Completion(c.Lease, RecordFor(c, DeliveryState.Delivered))).ToArray();

            var renewing = Task.Run(() => claimer.RenewAsync(leases, Time.GetUtcNow(), token), token);
            var completing = Task.Run(() => completer.CompleteAsync(completions, token).AsTask(), token);
            foreach (var task in new Task[] { renewing, completing })
            {
                try
                {
                    await task;
                }
                catch (Exception e) when (Deadlock(e) is { } deadlock)
                {
                    failures.Add($"round {round}, {(task == renewing ? "renewal" : "completion of " + completions.Length)}: {deadlock.MessageText}");
                }
            }
        }

        Assert.That(failures, Is.Empty, $"{failures.Count} of {Rounds} rounds of (renew, complete) on the same {Rows} rows deadlocked");
        Assert.That(await ScalarAsync<long>($"SELECT count(*) FROM {Table("records")} WHERE state = 'Delivered'"), Is.EqualTo(Rounds * Rows), "every completion written");
    }

    private static PostgresException? Deadlock(Exception? exception)
    {
        for (; exception is not null; exception = exception.InnerException)
        {
            if (exception is PostgresException { SqlState: PostgresErrorCodes.DeadlockDetected } deadlock)
            {
                return deadlock;
            }
        }

        return null;
    }
}
