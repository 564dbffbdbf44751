using Microsoft.Extensions.Caching.Memory;

namespace Segment.Functions.Caching.Internal;

/// <summary>Creates the shared, size-limited memory cache and one <see cref="FunctionCache"/> per destination.</summary>
internal sealed class FunctionCacheFactory : IDisposable
{
    private readonly MemoryCache _cache;
    private readonly TimeProvider _time;

    public FunctionCacheFactory(FunctionCacheOptions options, TimeProvider time)
    {
        _time = time;
        _cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = options.SizeLimit, Clock = new TimeProviderClock(time) });
    }

    public FunctionCache Create() => new(_cache, _time);

    public void Dispose() => _cache.Dispose();
}
