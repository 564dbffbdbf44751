namespace Segment.Functions.Hosting.Internal;

/// <summary>The defaults and limits of <see cref="InvocationOptions"/>: one place for the initializers, the docs and the <c>[Range]</c> attributes.</summary>
internal static class InvocationConstants
{
    // 20 ms, not less: the host gives each HTTP attempt half the invocation timeout, and the
    // resilience handler refuses attempt timeouts under 10 ms.
    public const string MinTimeout = "00:00:00.020";

    public const string MaxTimeout = "00:15:00";

    public const int DefaultMaxLogBytes = 4 * 1024;

    public const int MinMaxLogBytes = 256;

    public const int MaxMaxLogBytes = 1024 * 1024;

    public const int DefaultMaxHttpTraces = 50;

    public const int MaxMaxHttpTraces = 10_000;

    public const int DefaultMaxHttpBodyBytes = 4 * 1024;

    public const int MaxMaxHttpBodyBytes = 1024 * 1024;

    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(5);

    public const int DefaultMaxRecordedEventBytes = 32 * 1024;

    public const int MaxMaxRecordedEventBytes = 16 * 1024 * 1024;
}
