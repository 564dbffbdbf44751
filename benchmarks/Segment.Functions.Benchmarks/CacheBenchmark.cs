using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Caching.Memory;
using Segment.Functions.Caching.Internal;

namespace Segment.Functions.Benchmarks;

/// <summary>
/// A cache hit through <see cref="FunctionCache.LoadAsync{T}(string, TimeSpan?, Func{Task{T}}, CancellationToken)"/>
/// (the cache a function's handlers use, made as the host makes it), against a plain
/// <see cref="MemoryCache.TryGetValue(object, out object?)"/> with the same size limit and a string key.
/// </summary>
[MemoryDiagnoser]
public class CacheBenchmark
{
    private const string Key = "oauth-token:acme-eu";
    private static readonly TimeSpan Ttl = TimeSpan.FromHours(1);
    private static readonly Func<Task<string>> Factory = static () => Task.FromResult("token-value");

    private FunctionCacheFactory _factory = null!;
    private FunctionCache _cache = null!;
    private MemoryCache _plain = null!;

    [GlobalSetup]
    public void Setup()
    {
        _factory = new FunctionCacheFactory(new FunctionCacheOptions(), TimeProvider.System);
        _cache = _factory.Create();
        _cache.LoadAsync(Key, Ttl, Factory).GetAwaiter().GetResult();
        _plain = new MemoryCache(new MemoryCacheOptions { SizeLimit = new FunctionCacheOptions().SizeLimit });
        _plain.Set(Key, "token-value", new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = Ttl });
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _factory.Dispose();
        _plain.Dispose();
    }

    [Benchmark(Baseline = true)]
    public int MemoryCacheTryGetValue() => _plain.TryGetValue(Key, out var value) ? ((string)value!).Length : -1;

    [Benchmark]
    public int FunctionCacheLoadAsyncHit() => _cache.LoadAsync(Key, Ttl, Factory).GetAwaiter().GetResult().Length;
}
