using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Segment.Functions.PostgreSql.Internal;
using Segment.Functions.PostgreSql.Schema;

namespace Segment.Functions.PostgreSql.Queue;

/// <summary>
/// Wakes the idle workers of a destination when new deliveries for it are committed, by any instance:
/// one dedicated connection <c>LISTEN</c>s on the schema's channel (the writer notifies once per
/// destination per commit). When that connection fails it reconnects after
/// <see cref="PostgreSqlOptions.PollInterval"/> and wakes everyone (notifications may have been missed
/// meanwhile); and a waiter never sleeps longer than the poll interval, which also covers retries falling
/// due (they send no notification). Waiting costs no queries. Thread-safe; one per application instance.
/// </summary>
/// <remarks>
/// To miss nothing, a worker takes <see cref="NextWakeUp"/> before it claims, and waits on it after a
/// claim that found nothing: a notification that arrives in between has already completed the task.
/// </remarks>
internal sealed class DeliveryListener : IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly SchemaNames _names;
    private readonly TimeSpan _pollInterval;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _wakeUps = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _generationLock = new();
    private TaskCompletionSource _generationChanged = NewSignal();
    private int _generation;
    private Task? _loop;
    private int _backendProcessId;

    public DeliveryListener(NpgsqlDataSource dataSource, PostgreSqlOptions options, TimeProvider timeProvider, ILogger<DeliveryListener>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(options);
        _dataSource = dataSource;
        _names = new SchemaNames(options.Schema);
        _pollInterval = options.PollInterval;
        _timeProvider = timeProvider;
        _logger = logger ?? NullLogger<DeliveryListener>.Instance;
    }

    /// <summary>The server process of the listening connection (0 when not connected); tests end it to simulate a connection loss.</summary>
    public int BackendProcessId => Volatile.Read(ref _backendProcessId);

    /// <summary>Starts listening in the background; returns at once. Call <see cref="DisposeAsync"/> to stop.</summary>
    public void Start()
    {
        if (_loop is not null)
        {
            throw new InvalidOperationException("The listener is already started.");
        }

        _loop = Task.Run(() => RunAsync(_stopping.Token));
    }

    /// <summary>Completes when the listener has established its <paramref name="generation"/>-th <c>LISTEN</c> (1 for the first connection, 2 after one reconnection, …).</summary>
    public async Task WhenListeningAsync(int generation, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task changed;
            lock (_generationLock)
            {
                if (_generation >= generation)
                {
                    return;
                }

                changed = _generationChanged.Task;
            }

            await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// A task that completes at the next notification for <paramref name="destination"/>, at a reconnection,
    /// or when the listener stops. Take it before claiming; wait on it (<see cref="WaitAsync"/>) when the claim found nothing.
    /// </summary>
    public Task NextWakeUp(string destination) => _wakeUps.GetOrAdd(destination, static _ => NewSignal()).Task;

    /// <summary>
    /// Waits for <paramref name="wakeUp"/>, for <paramref name="dueIn"/> (when the destination's next
    /// retry falls due), or for the poll interval, whichever comes first, on the <see cref="TimeProvider"/>.
    /// Returns true when woken by a notification (or reconnection), false when the time ran out.
    /// </summary>
    public async Task<bool> WaitAsync(Task wakeUp, TimeSpan? dueIn, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(wakeUp);
        var wait = dueIn is { } due && due < _pollInterval ? due : _pollInterval;
        if (wakeUp.IsCompleted || wait <= TimeSpan.Zero)
        {
            return wakeUp.IsCompleted;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var delay = Task.Delay(wait, _timeProvider, timeout.Token);
        var first = await Task.WhenAny(wakeUp, delay).ConfigureAwait(false);
        await timeout.CancelAsync().ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        return first == wakeUp;
    }

    /// <summary>Stops listening and wakes every waiter.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(false);
        }

        WakeAll();
        _stopping.Dispose();
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await ListenAsync(stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                Volatile.Write(ref _backendProcessId, 0);
                Log.ListenerConnectionLost(_logger, _names.Channel, _pollInterval, _pollInterval, exception);
                // Workers fall back on polling until the connection is back; a wake-up now makes them look at once.
                WakeAll();
                try
                {
                    await Task.Delay(_pollInterval, _timeProvider, stopping).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async Task ListenAsync(CancellationToken stopping)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(stopping).ConfigureAwait(false);
        connection.Notification += (_, notification) => Wake(notification.Payload);
        await using (var listen = new NpgsqlCommand($"LISTEN \"{_names.Channel}\"", connection))
        {
            await listen.ExecuteNonQueryAsync(stopping).ConfigureAwait(false);
        }

        Volatile.Write(ref _backendProcessId, connection.ProcessID);
        NextGeneration();
        // Anything committed while no connection listened would go unnoticed until the next poll.
        WakeAll();
        while (true)
        {
            await connection.WaitAsync(stopping).ConfigureAwait(false);
        }
    }

    private void NextGeneration()
    {
        lock (_generationLock)
        {
            _generation++;
            var changed = _generationChanged;
            _generationChanged = NewSignal();
            changed.TrySetResult();
        }
    }

    private void Wake(string destination)
    {
        if (_wakeUps.TryRemove(destination, out var wakeUp))
        {
            wakeUp.TrySetResult();
        }
    }

    private void WakeAll()
    {
        foreach (var destination in _wakeUps.Keys)
        {
            Wake(destination);
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
