using System.Diagnostics;
using Npgsql;

namespace Segment.Functions.PostgreSql.Tests.Durability;

/// <summary>
/// The base of the tests that run the crash host as separate processes: each test gets a fresh
/// database on the test cluster (the hosts create their schema in it on start) and a fake downstream,
/// and finds out, by reading the tables directly, whether every accepted event ended exactly once.
/// </summary>
public abstract class DurabilityTest
{
    /// <summary>The hosts' schema: the default one.</summary>
    private const string Schema = "segment_functions";

    /// <summary>How long the deliveries of a test may take to drain once everything was sent.</summary>
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(90);

    private readonly List<CrashHostProcess> _hosts = [];
    private string _database = "";

    /// <summary>The test's database.</summary>
    private protected NpgsqlDataSource DataSource { get; private set; } = null!;

    /// <summary>Where the hosts deliver.</summary>
    private protected FakeDownstream Downstream { get; private set; } = null!;

    /// <summary>The test's time limit (NUnit's CancelAfter), for every wait.</summary>
    private protected static CancellationToken TestTimeout => TestContext.CurrentContext.CancellationToken;

    [SetUp]
    public async Task CreateDatabaseAndDownstream()
    {
        _database = $"durability_{Guid.NewGuid():N}"[..24];
        await using (var admin = ClusterSetUp.Cluster.CreateDataSource())
        {
            await admin.CreateCommand($"CREATE DATABASE {_database}").ExecuteNonQueryAsync();
        }

        DataSource = NpgsqlDataSource.Create(ConnectionString);
        Downstream = await FakeDownstream.StartAsync();
    }

    [TearDown]
    public async Task StopEverything()
    {
        foreach (var host in _hosts)
        {
            host.Dispose();
            // What the hosts logged (warnings and errors) explains most failures.
            if (TestContext.CurrentContext.Result.Outcome.Status != NUnit.Framework.Interfaces.TestStatus.Passed)
            {
                TestContext.Out.WriteLine($"--- host {host.InstanceId}, last output:\n{host.Output}");
            }
        }

        if (Downstream is not null)
        {
            await Downstream.DisposeAsync();
        }

        if (DataSource is not null)
        {
            await DataSource.DisposeAsync();
            await using var admin = ClusterSetUp.Cluster.CreateDataSource();
            await admin.CreateCommand($"DROP DATABASE IF EXISTS {_database} WITH (FORCE)").ExecuteNonQueryAsync();
        }
    }

    /// <summary>The test database's connection string, as given to the hosts.</summary>
    private string ConnectionString => new NpgsqlConnectionStringBuilder(ClusterSetUp.Cluster.ConnectionString) { Database = _database }.ConnectionString;

    /// <summary>Starts a crash host on the test's database; it is killed at the end of the test.</summary>
    private protected async Task<CrashHostProcess> StartHostAsync(string instanceId, TimeSpan? commitLinger = null)
    {
        var host = await CrashHostProcess.StartAsync(ConnectionString, Downstream.BaseUrl, instanceId, commitLinger, TestTimeout);
        _hosts.Add(host);
        return host;
    }

    /// <summary>How many (event, destination) rows are still to deliver.</summary>
    private protected async Task<long> PendingAsync()
    {
        await using var command = DataSource.CreateCommand($"SELECT count(*) FROM {Schema}.deliveries");
        try
        {
            return (long)(await command.ExecuteScalarAsync(TestTimeout))!;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            Assert.Fail($"{Schema}.deliveries does not exist: the crash host did not create its schema on start (is UsePostgreSql registered in its Program.cs?).");
            throw;
        }
    }

    /// <summary>How many (event, destination) have ended (a terminal record).</summary>
    private protected async Task<long> EndedAsync()
    {
        await using var command = DataSource.CreateCommand($"SELECT count(*) FROM {Schema}.records WHERE state <> 'Retrying'");
        return (long)(await command.ExecuteScalarAsync(TestTimeout))!;
    }

    /// <summary>The (messageId, destination) rows an instance has claimed and not completed (a completion or a retry clears the claim).</summary>
    private protected async Task<HashSet<(string MessageId, string Destination)>> ClaimedByAsync(string instanceId)
    {
        await using var command = DataSource.CreateCommand($"SELECT message_id, destination FROM {Schema}.deliveries WHERE lease_owner = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = instanceId });
        await using var reader = await command.ExecuteReaderAsync(TestTimeout);
        var claimed = new HashSet<(string, string)>();
        while (await reader.ReadAsync(TestTimeout))
        {
            claimed.Add((reader.GetString(0), reader.GetString(1)));
        }

        return claimed;
    }

    /// <summary>
    /// Polls until the deliveries table is empty (every stored event ended), failing after
    /// <see cref="DrainTimeout"/> with what is left, a few of its rows, and the hosts' last output.
    /// </summary>
    private protected async Task WaitUntilNothingPendingAsync()
    {
        var waited = Stopwatch.StartNew();
        while (await PendingAsync() is var pending and > 0)
        {
            if (waited.Elapsed > DrainTimeout)
            {
                Assert.Fail($"{pending} (event, destination) rows were still pending {DrainTimeout.TotalSeconds} s after the last send, e.g.:\n"
                    + string.Join('\n', await PendingSampleAsync())
                    + string.Concat(_hosts.Select(h => $"\n--- host {h.InstanceId} ({(h.HasExited ? "exited" : "running")}), last output:\n{h.Output}")));
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), TestTimeout);
        }
    }

    /// <summary>
    /// The outcome every test checks: each event answered 200 ended with exactly one terminal record
    /// per destination, Delivered, and the downstream answered it 2xx at least once; no (event,
    /// destination) has two terminal records, whether it was answered or not; no record names an
    /// event that was never sent; and the downstream got an event twice only if an instance that ended
    /// still held it (at-least-once: a second delivery only after a lease was lost with its instance).
    /// </summary>
    /// <param name="load">What was sent, and what was answered.</param>
    /// <param name="heldWhenEnded">The rows an instance still held when it was killed or had stopped; empty when none ended.</param>
    private protected async Task AssertEveryAcceptedEventEndedOnceAsync(LoadSender load, IReadOnlySet<(string MessageId, string Destination)> heldWhenEnded)
    {
        var terminal = await TerminalRecordsAsync();
        var sent = load.MessageIds.ToHashSet();
        var answered = load.Answered;
        var expected = answered.SelectMany(id => FakeDownstream.Destinations.Select(destination => (MessageId: id, Destination: destination))).ToList();

        var missing = expected.Where(key => !terminal.ContainsKey(key)).ToList();
        var notDelivered = expected.Where(key => terminal.TryGetValue(key, out var record) && record.State != "Delivered").ToList();
        var neverSeen = expected.Where(key => !Downstream.WasDelivered(key.Destination, key.MessageId)).ToList();
        var duplicated = terminal.Where(pair => pair.Value.Count > 1).ToList();
        var unknown = terminal.Keys.Where(key => !sent.Contains(key.MessageId)).ToList();
        var deliveredAgain = Downstream.DeliveredMoreThanOnce();
        var deliveredAgainWithoutLostLease = deliveredAgain.Where(key => !heldWhenEnded.Contains(key)).ToList();

        var cutButStored = load.Unanswered.Count(id => FakeDownstream.Destinations.Any(destination => terminal.ContainsKey((id, destination))));
        TestContext.Out.WriteLine($"{answered.Count} events answered 200, {load.Unanswered.Count} cut by a kill ({cutButStored} of them stored all the same), {terminal.Count} terminal (event, destination) records, "
            + $"{deliveredAgain.Count} delivered again ({heldWhenEnded.Count} held by an instance that ended); downstream: {Downstream.Requests} requests, {Downstream.FailedAttempts} failed event attempts, delivered first by {string.Join(", ", Downstream.DeliveriesByInstance().Select(p => $"{p.Key} {p.Value}"))}");
        Assert.Multiple(() =>
        {
            Assert.That(load.Unexpected, Is.Empty, "requests answered neither 200 nor 429/503");
            Assert.That(missing, Is.Empty, $"{missing.Count} of {expected.Count} (event answered 200, destination) have no terminal record, e.g. {Sample(missing)}");
            Assert.That(notDelivered, Is.Empty, $"{notDelivered.Count} of {expected.Count} (event answered 200, destination) did not end Delivered, e.g. "
                + string.Join("; ", notDelivered.Take(5).Select(key => $"{key}: {terminal[key].State} ({terminal[key].Reason})")));
            Assert.That(neverSeen, Is.Empty, $"{neverSeen.Count} of {expected.Count} (event answered 200, destination) were never answered 2xx by the downstream, e.g. {Sample(neverSeen)}");
            Assert.That(duplicated, Is.Empty, $"{duplicated.Count} (event, destination) have more than one terminal record, e.g. "
                + string.Join("; ", duplicated.Take(5).Select(pair => $"{pair.Key}: {pair.Value.Count}")));
            Assert.That(unknown, Is.Empty, $"{unknown.Count} terminal records name events never sent, e.g. {Sample(unknown)}");
            Assert.That(deliveredAgainWithoutLostLease, Is.Empty, $"{deliveredAgainWithoutLostLease.Count} (event, destination) were delivered twice though no instance that ended held them, e.g. {Sample(deliveredAgainWithoutLostLease)}");
        });
    }

    private static string Sample(IEnumerable<(string MessageId, string Destination)> keys) => string.Join(", ", keys.Take(5).Select(key => $"{key.MessageId} at {key.Destination}"));

    /// <summary>The terminal records per (messageId, destination): how many, and the state and reason of one of them.</summary>
    private async Task<Dictionary<(string MessageId, string Destination), (long Count, string State, string Reason)>> TerminalRecordsAsync()
    {
        await using var command = DataSource.CreateCommand($"""
            SELECT message_id, destination, count(*), min(state), min(reason)
            FROM {Schema}.records WHERE state <> 'Retrying'
            GROUP BY message_id, destination
            """);
        await using var reader = await command.ExecuteReaderAsync(TestTimeout);
        var records = new Dictionary<(string, string), (long, string, string)>();
        while (await reader.ReadAsync(TestTimeout))
        {
            records[(reader.GetString(0), reader.GetString(1))] = (reader.GetInt64(2), reader.GetString(3), reader.GetString(4));
        }

        return records;
    }

    private async Task<List<string>> PendingSampleAsync()
    {
        await using var command = DataSource.CreateCommand(
            $"SELECT message_id, destination, attempts, due_at, lease_owner FROM {Schema}.deliveries ORDER BY due_at LIMIT 5");
        await using var reader = await command.ExecuteReaderAsync(TestTimeout);
        var rows = new List<string>();
        while (await reader.ReadAsync(TestTimeout))
        {
            rows.Add($"  {reader.GetString(0)} at {reader.GetString(1)}: {reader.GetInt32(2)} attempts, due {reader.GetDateTime(3):O}, lease {(reader.IsDBNull(4) ? "none" : reader.GetString(4))}");
        }

        return rows;
    }
}
