using System.ComponentModel.DataAnnotations;

namespace Segment.Functions;

/// <summary>Options of the cache the functions share (each destination has its own key space in it).</summary>
public sealed class FunctionCacheOptions
{
    /// <summary>The most entries kept across all destinations; past it, entries are evicted early.</summary>
    /// <value>10,000.</value>
    [Range(1, int.MaxValue)]
    public long SizeLimit { get; set; } = 10_000;
}
