using System.Collections.Concurrent;

namespace Segment.Functions.JavaScript.Internal;

/// <summary>
/// The engines of one destination: at most <c>size</c> at once, each serving one invocation at a time.
/// The most recently returned engine is handed out first, so a destination that is not busy keeps
/// running on one warm engine and its module state behaves like one instance's.
/// </summary>
internal sealed class EnginePool(int size, Func<ScriptEngine> create) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(size, size);
    private readonly ConcurrentStack<ScriptEngine> _idle = new();
    private volatile bool _disposed;
    private int _created;

    public int Size => size;

    /// <summary>How many engines exist now, idle or running (for tests).</summary>
    public int Created => _created;

    public async Task<T> RunAsync<T>(Func<ScriptEngine, Task<T>> work, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        ScriptEngine? engine = null;
        try
        {
            if (!_idle.TryPop(out engine))
            {
                engine = create();
                Interlocked.Increment(ref _created);
            }

            return await work(engine).ConfigureAwait(false);
        }
        finally
        {
            if (engine is not null)
            {
                if (engine.Broken || _disposed)
                {
                    engine.Dispose();
                    Interlocked.Decrement(ref _created);
                }
                else
                {
                    _idle.Push(engine);
                }
            }

            _slots.Release();
        }
    }

    public void Dispose()
    {
        _disposed = true;
        while (_idle.TryPop(out var engine))
        {
            engine.Dispose();
        }
    }
}
