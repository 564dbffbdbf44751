using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Segment.Functions.Delivery;
using Segment.Functions.Hosting;
using Segment.Functions.Pipeline.Internal;
using Segment.Functions.PostgreSql.Internal;
using Segment.Functions.PostgreSql.Queue;
using Segment.Functions.PostgreSql.Records;
using Segment.Functions.PostgreSql.Schema;

namespace Segment.Functions.PostgreSql.Journal;

/// <summary>
/// The host's durable storage on PostgreSQL: puts the storage layer's parts (schema migration, grouped
/// writer, claimer, grouped completer, listener, retention sweep, queries) behind the core's
/// <see cref="IDeliveryJournal"/>. One per application instance; thread-safe.
/// </summary>
internal sealed class PostgreSqlJournal : IDeliveryJournal, IAsyncDisposable, IDisposable
{
    private static readonly DeliveryCounts NoCounts = new(0, new Dictionary<OutcomeReason, long>(), 0, 0);

    private readonly NpgsqlDataSource _dataSource;
    private readonly PostgreSqlOptions _options;
    private readonly TimeProvider _time;
    private readonly DeliveryWriter _writer;
    private readonly DeliveryClaimer _claimer;
    private readonly DeliveryCompleter _completer;
    private readonly DeliveryListener _listener;
    private readonly RecordQueries _queries;
    private readonly RetentionSweeper _sweeper;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<string, DeliveryCounts> _counts = new(StringComparer.Ordinal);
    private IReadOnlyDictionary<string, DestinationStatus> _statuses = new Dictionary<string, DestinationStatus>();
    private long _refreshedAt = long.MinValue;
    private int _refreshing;
    private Task _sweeping = Task.CompletedTask;
    private int _stopped;

    public PostgreSqlJournal(PostgreSqlDataSourceHolder dataSource, IOptions<PostgreSqlOptions> options, TimeProvider time, PostgreSqlTelemetry telemetry, ILoggerFactory loggerFactory)
    {
        _dataSource = dataSource.DataSource;
        _options = options.Value;
        _time = time;
        _writer = new DeliveryWriter(_dataSource, _options, time, telemetry);
        _claimer = new DeliveryClaimer(_dataSource, _options);
        _completer = new DeliveryCompleter(_dataSource, _options, time, telemetry);
        _listener = new DeliveryListener(_dataSource, _options, time, loggerFactory.CreateLogger<DeliveryListener>());
        _queries = new RecordQueries(_dataSource, _options);
        _sweeper = new RetentionSweeper(_dataSource, _options, time, loggerFactory.CreateLogger<RetentionSweeper>());
    }

    public TimeSpan LeaseDuration => _options.LeaseDuration;

    public TimeSpan PollInterval => _options.PollInterval;

    public async Task StartAsync(IReadOnlyCollection<string> destinations, CancellationToken cancellationToken)
    {
        foreach (var destination in destinations)
        {
            _counts.TryAdd(destination, NoCounts);
        }

        try
        {
            await SchemaMigrator.MigrateAsync(_dataSource, _options.Schema, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            throw new InvalidOperationException(
                $"Segment.Functions could not create or migrate its schema \"{_options.Schema}\" in PostgreSQL: {exception.Message} " +
                "Check that the server is reachable with the connection string given to UsePostgreSql, and that its user may create schemas and tables.",
                exception);
        }
        _listener.Start();
        _sweeping = _sweeper.RunAsync(_stopping.Token);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }

        // What was handed in is committed first; then nothing more is taken.
        await _writer.DisposeAsync().ConfigureAwait(false);
        await _completer.DisposeAsync().ConfigureAwait(false);
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _listener.DisposeAsync().ConfigureAwait(false);
        await _sweeping.ConfigureAwait(false);
    }

    public ValueTask DisposeAsync() => new(StopAsync(CancellationToken.None));

    // A container disposed synchronously (using var host = …) still commits what was handed in.
    public void Dispose() => StopAsync(CancellationToken.None).GetAwaiter().GetResult();

    public ValueTask AppendAsync(IReadOnlyList<JournalEntry> entries, CancellationToken cancellationToken)
    {
        var count = 0;
        foreach (var entry in entries)
        {
            count += entry.Destinations.Count;
        }

        // One row per event and destination, straight into the array the writer takes.
        var rows = new NewDelivery[count];
        var i = 0;
        foreach (var entry in entries)
        {
            foreach (var destination in entry.Destinations)
            {
                rows[i++] = new NewDelivery(destination, entry.MessageId, entry.EventType, entry.Body);
            }
        }

        return _writer.EnqueueAsync(rows, cancellationToken);
    }

    public async Task<IReadOnlyList<JournalClaim>> ClaimAsync(string destination, int max, CancellationToken cancellationToken)
    {
        var claimed = await _claimer.ClaimAsync(destination, max, _time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        var claims = new JournalClaim[claimed.Count];
        for (var i = 0; i < claims.Length; i++)
        {
            var delivery = claimed[i];
            claims[i] = new JournalClaim(delivery.Lease, delivery.Body, delivery.AcceptedAt, delivery.FirstAttemptAt);
        }

        return claims;
    }

    public Task<IReadOnlySet<long>> RenewAsync(IReadOnlyCollection<JournalLease> leases, CancellationToken cancellationToken) =>
        _claimer.RenewAsync(leases, _time.GetUtcNow(), cancellationToken);

    public Task ReleaseAsync(IReadOnlyCollection<JournalLease> leases, CancellationToken cancellationToken) =>
        _claimer.ReleaseAsync(leases, _time.GetUtcNow(), cancellationToken);

    public async Task<bool> CompleteAsync(JournalLease lease, DeliveryRecord record, CancellationToken cancellationToken)
    {
        var results = await _completer.CompleteAsync([new Completion(lease, record)], cancellationToken).ConfigureAwait(false);
        return results[0] == CompletionResult.Completed;
    }

    public Task NextWakeUp(string destination) => _listener.NextWakeUp(destination);

    public async Task WaitAsync(string destination, Task wakeUp, CancellationToken cancellationToken)
    {
        // Retries falling due send no notification: sleep no longer than until the next one.
        var due = await _claimer.NextDueAsync(destination, cancellationToken).ConfigureAwait(false);
        await _listener.WaitAsync(wakeUp, due is { } at ? at - _time.GetUtcNow() : null, cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> HasPendingAsync(string destination, CancellationToken cancellationToken) =>
        await _claimer.NextDueAsync(destination, cancellationToken).ConfigureAwait(false) is not null;

    public DestinationStatus Status(string destination)
    {
        RefreshIfStale(destination);
        return Volatile.Read(ref _statuses).TryGetValue(destination, out var status) ? status : new DestinationStatus(destination, 0, 0, 0);
    }

    public DeliveryCounts Counts(string destination)
    {
        RefreshIfStale(destination);
        return _counts.TryGetValue(destination, out var counts) ? counts : NoCounts;
    }

    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var pending = await _queries.PendingAsync(now, cancellationToken).ConfigureAwait(false);
        Volatile.Write(ref _statuses, pending.ToDictionary(status => status.Name, StringComparer.Ordinal));
        foreach (var destination in _counts.Keys)
        {
            _counts[destination] = await _queries.CountsAsync(destination, since: null, cancellationToken).ConfigureAwait(false);
        }

        Interlocked.Exchange(ref _refreshedAt, _time.GetTimestamp());
    }

    // The values are read from the database at most once per poll interval, in the background, and
    // only while someone reads them; the first read of a destination shows zeros until then.
    private void RefreshIfStale(string destination)
    {
        _counts.TryAdd(destination, NoCounts);
        var last = Interlocked.Read(ref _refreshedAt);
        if (last != long.MinValue && _time.GetElapsedTime(last) < _options.PollInterval)
        {
            return;
        }

        if (Interlocked.Exchange(ref _refreshing, 1) == 1)
        {
            return;
        }

        _ = Task.Run(async () =>
        {
            try
            {
                await RefreshAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (Exception)
            {
                // Shown as last read; the next read tries again (a database that is down is logged by the claims).
            }
            finally
            {
                Volatile.Write(ref _refreshing, 0);
            }
        });
    }
}
