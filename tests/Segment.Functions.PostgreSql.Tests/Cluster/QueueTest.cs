using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Segment.Functions.Delivery;
using Segment.Functions.PostgreSql.Internal;
using Segment.Functions.PostgreSql.Queue;

namespace Segment.Functions.PostgreSql.Tests.Cluster;

/// <summary>Tests that need rows in the queue: a writer without linger (the fake clock does not move by itself), and record helpers.</summary>
public abstract class QueueTest : PostgreSqlTest
{
    private ServiceProvider _services = null!;

    /// <summary>The package's metrics.</summary>
    private protected PostgreSqlTelemetry Telemetry { get; private set; } = null!;

    [SetUp]
    public void CreateTelemetry()
    {
        _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        Telemetry = new PostgreSqlTelemetry(_services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());
        Options.CommitLinger = TimeSpan.Zero;
    }

    [TearDown]
    public void DisposeTelemetry() => _services.Dispose();

    /// <summary>Writes one event per message id for the destination, at the fake clock's now.</summary>
    protected async Task EnqueueAsync(string destination, params string[] messageIds)
    {
        await using var writer = new DeliveryWriter(DataSource, Options, Time, Telemetry);
        foreach (var messageId in messageIds)
        {
            await writer.EnqueueAsync([new NewDelivery(destination, messageId, "track", Encoding.UTF8.GetBytes($$"""{"type":"track","messageId":"{{messageId}}"}"""))], CancellationToken.None);
        }
    }

    /// <summary>A claimer for an instance (the options' own by default).</summary>
    private protected DeliveryClaimer Claimer(string? instanceId = null) =>
        new(DataSource, new PostgreSqlOptions { Schema = Options.Schema, InstanceId = instanceId ?? Options.InstanceId, LeaseDuration = Options.LeaseDuration });

    /// <summary>A completer for an instance (the options' own by default).</summary>
    private protected DeliveryCompleter Completer(string? instanceId = null) =>
        new(DataSource, new PostgreSqlOptions { Schema = Options.Schema, InstanceId = instanceId ?? Options.InstanceId, CommitLinger = TimeSpan.Zero }, Time, Telemetry);

    /// <summary>A record of an attempt of the claimed delivery.</summary>
    private protected DeliveryRecord RecordFor(ClaimedDelivery claimed, DeliveryState state, OutcomeReason reason = OutcomeReason.None, DateTimeOffset? nextAttemptAt = null) => new()
    {
        Destination = claimed.Destination,
        MessageId = claimed.MessageId,
        Sequence = claimed.Lease.Id,
        EventType = claimed.EventType,
        State = state,
        Reason = reason,
        Attempts = claimed.Attempt,
        FirstAttemptAt = claimed.FirstAttemptAt,
        LastAttemptAt = Time.GetUtcNow(),
        NextAttemptAt = nextAttemptAt,
    };
}
