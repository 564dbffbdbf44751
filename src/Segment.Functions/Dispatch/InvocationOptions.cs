using System.ComponentModel.DataAnnotations;

namespace Segment.Functions;

/// <summary>How one handler invocation runs and what is kept of it. Shared by the host and the test harness.</summary>
public sealed class InvocationOptions
{
    /// <summary>How long a handler may run before the attempt counts as a timeout (which is retried).</summary>
    /// <value>5 seconds.</value>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The most log text kept per invocation, in UTF-8 bytes; the rest is cut with a visible mark.</summary>
    /// <value>4,096 (4 KB), what Segment's editor shows.</value>
    [Range(256, 1024 * 1024)]
    public int MaxLogBytes { get; set; } = 4 * 1024;

    /// <summary>The most HTTP requests traced per invocation; later ones are counted, not kept.</summary>
    /// <value>50.</value>
    [Range(1, 10_000)]
    public int MaxHttpTraces { get; set; } = 50;

    /// <summary>The most bytes of each request or response body kept in a trace.</summary>
    /// <value>4,096 (4 KB).</value>
    [Range(0, 1024 * 1024)]
    public int MaxHttpBodyBytes { get; set; } = 4 * 1024;

    /// <summary>
    /// The most bytes of the event's JSON kept in the delivery record of a failure (delivered events
    /// keep none); past it the JSON is cut with a visible mark. 0 keeps none.
    /// </summary>
    /// <value>32,768 (32 KB), the size limit of one event, so an event is normally kept whole.</value>
    [Range(0, 16 * 1024 * 1024)]
    public int MaxRecordedEventBytes { get; set; } = 32 * 1024;

    /// <summary>Throws a clear error for a value out of range.</summary>
    internal void Validate()
    {
        if (Timeout <= TimeSpan.Zero || Timeout > TimeSpan.FromMinutes(15))
        {
            throw new ArgumentOutOfRangeException(nameof(Timeout), Timeout, "InvocationOptions.Timeout must be more than zero and at most 15 minutes.");
        }

        Validator.ValidateObject(this, new ValidationContext(this), validateAllProperties: true);
    }
}
