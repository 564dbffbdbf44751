namespace Segment.Functions.Caching.Internal;

/// <summary>The defaults and limits of <see cref="FunctionCacheOptions"/>: one place for the initializer, the docs and the <c>[Range]</c> attribute.</summary>
internal static class FunctionCacheConstants
{
    public const long DefaultSizeLimit = 10_000;

    // RangeAttribute has no long constructor: the bounds of a long are given as strings.
    public const string MinSizeLimit = "1";

    public const string MaxSizeLimit = "2147483647";
}
