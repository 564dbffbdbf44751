using System.ComponentModel.DataAnnotations;
using Segment.Functions.Caching.Internal;

namespace Segment.Functions;

/// <summary>Options of the cache the functions share (each destination has its own key space in it).</summary>
public sealed class FunctionCacheOptions
{
    /// <summary>The most entries kept across all destinations; past it, entries are evicted early.</summary>
    /// <value>10,000; between 1 and 2,147,483,647.</value>
    [Range(typeof(long), FunctionCacheConstants.MinSizeLimit, FunctionCacheConstants.MaxSizeLimit)]
    public long SizeLimit { get; set; } = FunctionCacheConstants.DefaultSizeLimit;
}
