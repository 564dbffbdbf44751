using System.Collections.Concurrent;
using Microsoft.Extensions.Caching.Memory;

namespace Segment.Functions;

/// <summary>
/// The <c>cache</c> of the original runtime: <c>LoadAsync(key, ttl, factory)</c> returns the cached
/// value or calls the factory, and <c>Delete(key)</c> drops it. Each destination has its own key space.
/// </summary>
/// <remarks>
/// <para>Concurrent loads of one missing key call the factory once and share its result. A factory
/// that throws caches nothing, and every waiter sees its exception.</para>
/// <para>Values are process-local and may be evicted before their TTL when the cache is full
/// (<see cref="FunctionCacheOptions.SizeLimit"/> entries across all destinations). Expiry follows the
/// host's <see cref="TimeProvider"/>.</para>
/// </remarks>
public sealed class FunctionCache
{
    private readonly IMemoryCache _cache;
    private readonly TimeProvider _time;
    private readonly object _space = new();
    private readonly ConcurrentDictionary<string, Lazy<Task<object?>>> _loading = new(StringComparer.Ordinal);

    internal FunctionCache(IMemoryCache cache, TimeProvider time)
    {
        _cache = cache;
        _time = time;
    }

    /// <summary>Returns the cached value for <paramref name="key"/>, calling <paramref name="factory"/> when it is missing or expired.</summary>
    /// <typeparam name="T">The value's type.</typeparam>
    /// <param name="key">The key, unique within this destination.</param>
    /// <param name="ttl">How long the value may be kept; null for no expiry.</param>
    /// <param name="factory">Makes the value; called once for concurrent loads of one key.</param>
    /// <param name="cancellationToken">Stops this caller waiting; the shared load goes on for the others.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="ttl"/> is zero or negative.</exception>
    /// <exception cref="InvalidCastException">The key holds a value of another type.</exception>
    public async Task<T> LoadAsync<T>(string key, TimeSpan? ttl, Func<Task<T>> factory, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(factory);
        if (ttl is { } span && span <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(ttl), ttl, "A cache TTL must be positive; pass null (or -1 ms) for no expiry.");
        }

        var entryKey = new CacheKey(_space, key);
        if (_cache.TryGetValue(entryKey, out var cached))
        {
            return Cast<T>(key, cached);
        }

        Lazy<Task<object?>>? load = null;
        load = new Lazy<Task<object?>>(() => LoadAndStoreAsync(entryKey, ttl, factory, load!));
        var shared = _loading.GetOrAdd(key, load);
        return Cast<T>(key, await shared.Value.WaitAsync(cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Like the original <c>cache.load(key, ttl, fn)</c>: <paramref name="ttlMilliseconds"/> of -1 means no expiry.</summary>
    /// <typeparam name="T">The value's type.</typeparam>
    /// <param name="key">The key, unique within this destination.</param>
    /// <param name="ttlMilliseconds">The TTL in milliseconds; -1 for no expiry.</param>
    /// <param name="factory">Makes the value; called once for concurrent loads of one key.</param>
    /// <param name="cancellationToken">Stops this caller waiting.</param>
    public Task<T> LoadAsync<T>(string key, long ttlMilliseconds, Func<Task<T>> factory, CancellationToken cancellationToken = default) =>
        LoadAsync(key, ttlMilliseconds == -1 ? null : TimeSpan.FromMilliseconds(ttlMilliseconds), factory, cancellationToken);

    /// <summary>Removes the value for <paramref name="key"/> now.</summary>
    /// <param name="key">The key.</param>
    public void Delete(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        _cache.Remove(new CacheKey(_space, key));
    }

    private async Task<object?> LoadAndStoreAsync<T>(CacheKey entryKey, TimeSpan? ttl, Func<Task<T>> factory, Lazy<Task<object?>> self)
    {
        try
        {
            // A load that finished between this caller's miss and its GetOrAdd left the value here.
            if (_cache.TryGetValue(entryKey, out var cached))
            {
                return cached;
            }

            var value = await factory().ConfigureAwait(false);
            var options = new MemoryCacheEntryOptions { Size = 1 };
            if (ttl is { } span)
            {
                options.AbsoluteExpiration = _time.GetUtcNow() + span;
            }

            _cache.Set(entryKey, (object?)value, options);
            return value;
        }
        finally
        {
            // Stored (or failed) first, removed second: no caller can miss both.
            _loading.TryRemove(new KeyValuePair<string, Lazy<Task<object?>>>(entryKey.Key, self));
        }
    }

    private static T Cast<T>(string key, object? value) => value is T typed || value is null && default(T) is null
        ? (T)value!
        : throw new InvalidCastException($"The cache key \"{key}\" holds a {value?.GetType().Name ?? "null"}, not a {typeof(T).Name}; use one type per key.");

    // One MemoryCache serves all destinations; the space object keeps their keys apart.
    private readonly record struct CacheKey(object Space, string Key);
}
