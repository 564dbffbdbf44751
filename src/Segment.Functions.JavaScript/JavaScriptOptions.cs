namespace Segment.Functions.JavaScript;

/// <summary>
/// Limits and names for a JavaScript destination. The host's invocation timeout
/// (<see cref="Hosting.InvocationOptions.Timeout"/>, 5 s) applies on top of these and also covers time spent
/// awaiting <c>fetch</c>, <c>cache.load</c> and <c>setTimeout</c>.
/// </summary>
public sealed class JavaScriptOptions
{
    /// <summary>The default of <see cref="MaxRecursionDepth"/>.</summary>
    public const int DefaultMaxRecursionDepth = 500;

    /// <summary>The default of <see cref="MaxMemoryBytes"/>: 64 MiB.</summary>
    public const long DefaultMaxMemoryBytes = 64L * 1024 * 1024;

    /// <summary>The default of <see cref="MaxScriptTime"/>.</summary>
    public static readonly TimeSpan DefaultMaxScriptTime = TimeSpan.FromSeconds(4);

    /// <summary>
    /// How deep script calls may nest. A deeper call fails the invocation with
    /// <c>RangeError: Maximum call stack size exceeded</c> (Unknown Error) instead of ending the process.
    /// </summary>
    /// <value>500 calls, between 16 and 10,000.</value>
    public int MaxRecursionDepth { get; set; } = DefaultMaxRecursionDepth;

    /// <summary>
    /// The most managed memory the script may allocate in one uninterrupted run (between two awaits).
    /// A script that allocates more fails that invocation (Unknown Error); the engine is then replaced.
    /// </summary>
    /// <value>64 MiB, between 1 MiB and 4 GiB.</value>
    public long MaxMemoryBytes { get; set; } = DefaultMaxMemoryBytes;

    /// <summary>
    /// The most time one invocation may spend running script code (awaits not counted), measured on the
    /// processor's clock, not on the host's <see cref="TimeProvider"/>: a runaway loop fails the invocation
    /// (Unknown Error, discarded, as it would loop again) even under a fake clock. Keep it below the
    /// invocation timeout, which turns the rest into a retried Timeout.
    /// </summary>
    /// <value>4 seconds, between 1 ms and 15 minutes.</value>
    public TimeSpan MaxScriptTime { get; set; } = DefaultMaxScriptTime;

    /// <summary>The file name shown in script stack traces and parse errors.</summary>
    /// <value><c>function.js</c>.</value>
    public string FileName { get; set; } = "function.js";

    /// <summary>Throws a clear error for a value out of range.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A limit is out of its range.</exception>
    /// <exception cref="ArgumentException"><see cref="FileName"/> is empty.</exception>
    public void Validate()
    {
        if (MaxRecursionDepth is < 16 or > 10_000)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxRecursionDepth), MaxRecursionDepth, "JavaScriptOptions.MaxRecursionDepth must be between 16 and 10,000.");
        }

        if (MaxMemoryBytes is < 1024 * 1024 or > 4L * 1024 * 1024 * 1024)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxMemoryBytes), MaxMemoryBytes, "JavaScriptOptions.MaxMemoryBytes must be between 1 MiB and 4 GiB.");
        }

        if (MaxScriptTime < TimeSpan.FromMilliseconds(1) || MaxScriptTime > TimeSpan.FromMinutes(15))
        {
            throw new ArgumentOutOfRangeException(nameof(MaxScriptTime), MaxScriptTime, "JavaScriptOptions.MaxScriptTime must be between 1 ms and 15 minutes.");
        }

        if (string.IsNullOrWhiteSpace(FileName))
        {
            throw new ArgumentException("JavaScriptOptions.FileName must not be empty.", nameof(FileName));
        }
    }

    internal JavaScriptOptions Copy() => (JavaScriptOptions)MemberwiseClone();
}
