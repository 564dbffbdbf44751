using System.Diagnostics;
using System.Threading.Channels;

namespace Segment.Functions.PostgreSql.Internal;

/// <summary>
/// Gathers the items that concurrent callers submit into groups and commits each group in one
/// transaction, so many callers share one round trip and one disk flush. One loop reads the callers'
/// items: it takes what has arrived, waits <c>linger</c> (on the <see cref="TimeProvider"/>) for more
/// unless the group is already full, and commits up to <c>maxRows</c> rows. Items that arrive during a
/// commit form the next group. A caller's items are never split across groups. Every caller of a group
/// gets the group's result: its own entry of the commit's answer, or the commit's exception (nothing
/// of a failed group is stored, as the commit is one transaction).
/// </summary>
/// <typeparam name="TItem">What one caller submits.</typeparam>
/// <typeparam name="TResult">What the commit answers for each item.</typeparam>
internal sealed class GroupCommitter<TItem, TResult> : IAsyncDisposable
{
    private readonly Func<IReadOnlyList<TItem>, CancellationToken, Task<IReadOnlyList<TResult>>> _commit;
    private readonly Func<TItem, int> _rowsOf;
    private readonly TimeSpan _linger;
    private readonly int _maxRows;
    private readonly TimeProvider _timeProvider;
    private readonly PostgreSqlTelemetry _telemetry;
    private readonly string _operation;
    private readonly Channel<Entry> _channel = Channel.CreateUnbounded<Entry>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _loop;

    public GroupCommitter(
        string operation,
        Func<IReadOnlyList<TItem>, CancellationToken, Task<IReadOnlyList<TResult>>> commit,
        Func<TItem, int> rowsOf,
        TimeSpan linger,
        int maxRows,
        TimeProvider timeProvider,
        PostgreSqlTelemetry telemetry)
    {
        _operation = operation;
        _commit = commit;
        _rowsOf = rowsOf;
        _linger = linger;
        _maxRows = maxRows;
        _timeProvider = timeProvider;
        _telemetry = telemetry;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>
    /// Submits one item and completes when its group is committed (or failed). A cancellation that
    /// comes before the item's group starts committing withdraws the item (nothing is stored for it);
    /// once the commit runs, the caller waits for its outcome, so "cancelled" always means "not stored".
    /// </summary>
    public Task<TResult> SubmitAsync(TItem item, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var entry = new Entry(item, _rowsOf(item), cancellationToken);
        if (!_channel.Writer.TryWrite(entry))
        {
            throw new ObjectDisposedException(GetType().Name, "The PostgreSQL writer is stopped: nothing more can be committed.");
        }

        return entry.Completion.Task;
    }

    public async ValueTask DisposeAsync()
    {
        _channel.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
    }

    private async Task RunAsync()
    {
        var group = new List<Entry>();
        Entry? carried = null;
        while (carried is not null || await _channel.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            group.Clear();
            var rows = 0;
            if (carried is not null)
            {
                group.Add(carried);
                rows = carried.Rows;
                carried = null;
            }

            rows = Drain(group, rows, ref carried);
            if (carried is null && rows < _maxRows && _linger > TimeSpan.Zero && group.Count > 0)
            {
                await Task.Delay(_linger, _timeProvider).ConfigureAwait(false);
                rows = Drain(group, rows, ref carried);
            }

            group.RemoveAll(entry =>
            {
                if (!entry.CancellationToken.IsCancellationRequested)
                {
                    return false;
                }

                entry.Completion.TrySetCanceled(entry.CancellationToken);
                return true;
            });
            if (group.Count > 0)
            {
                await CommitAsync(group).ConfigureAwait(false);
            }
        }
    }

    // Takes what is waiting, up to the row limit; the entry that would overflow is carried to the next group.
    private int Drain(List<Entry> group, int rows, ref Entry? carried)
    {
        while (carried is null && _channel.Reader.TryRead(out var entry))
        {
            if (group.Count > 0 && rows + entry.Rows > _maxRows)
            {
                carried = entry;
                break;
            }

            group.Add(entry);
            rows += entry.Rows;
        }

        return rows;
    }

    private async Task CommitAsync(List<Entry> group)
    {
        var items = new TItem[group.Count];
        var rows = 0;
        for (var i = 0; i < group.Count; i++)
        {
            items[i] = group[i].Item;
            rows += group[i].Rows;
        }

        var started = _timeProvider.GetTimestamp();
        try
        {
            // Not the callers' tokens: once a group commits, its callers must learn its outcome.
            var results = await _commit(items, CancellationToken.None).ConfigureAwait(false);
            Debug.Assert(results.Count == items.Length, "The commit answers one result per item.");
            for (var i = 0; i < group.Count; i++)
            {
                group[i].Completion.TrySetResult(results[i]);
            }
        }
        catch (Exception exception)
        {
            var failure = new PostgreSqlCommitException(_operation, group.Count, rows, exception);
            foreach (var entry in group)
            {
                entry.Completion.TrySetException(failure);
            }
        }
        finally
        {
            _telemetry.RecordCommit(_operation, rows, _timeProvider.GetElapsedTime(started));
        }
    }

    private sealed class Entry(TItem item, int rows, CancellationToken cancellationToken)
    {
        public TItem Item { get; } = item;

        public int Rows { get; } = rows;

        public CancellationToken CancellationToken { get; } = cancellationToken;

        public TaskCompletionSource<TResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
