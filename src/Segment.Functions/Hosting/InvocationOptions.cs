using System.ComponentModel.DataAnnotations;
using Segment.Functions.Hosting.Internal;

namespace Segment.Functions.Hosting;

/// <summary>How one handler invocation runs and what is kept of it. Shared by the host and the test harness.</summary>
public sealed class InvocationOptions
{
    /// <summary>How long a handler may run before the attempt counts as a timeout (which is retried).</summary>
    /// <value>5 seconds; between 20 milliseconds and 15 minutes.</value>
    [Range(typeof(TimeSpan), InvocationConstants.MinTimeout, InvocationConstants.MaxTimeout)]
    public TimeSpan Timeout { get; set; } = InvocationConstants.DefaultTimeout;

    /// <summary>The most log text kept per invocation, in UTF-8 bytes; the rest is cut with a visible mark.</summary>
    /// <value>4,096 (4 KB), what Segment's editor shows; between 256 and 1,048,576 (1 MB).</value>
    [Range(InvocationConstants.MinMaxLogBytes, InvocationConstants.MaxMaxLogBytes)]
    public int MaxLogBytes { get; set; } = InvocationConstants.DefaultMaxLogBytes;

    /// <summary>The most HTTP requests traced per invocation; later ones are counted, not kept.</summary>
    /// <value>50; between 1 and 10,000.</value>
    [Range(1, InvocationConstants.MaxMaxHttpTraces)]
    public int MaxHttpTraces { get; set; } = InvocationConstants.DefaultMaxHttpTraces;

    /// <summary>The most bytes of each request or response body kept in a trace.</summary>
    /// <value>4,096 (4 KB); between 0 and 1,048,576 (1 MB).</value>
    [Range(0, InvocationConstants.MaxMaxHttpBodyBytes)]
    public int MaxHttpBodyBytes { get; set; } = InvocationConstants.DefaultMaxHttpBodyBytes;

    /// <summary>
    /// The most bytes of the event's JSON kept in the delivery record of a failure (delivered events
    /// keep none); past it the JSON is cut with a visible mark. 0 keeps none.
    /// </summary>
    /// <value>32,768 (32 KB), the size limit of one event, so an event is normally kept whole; between 0 and 16 MB.</value>
    [Range(0, InvocationConstants.MaxMaxRecordedEventBytes)]
    public int MaxRecordedEventBytes { get; set; } = InvocationConstants.DefaultMaxRecordedEventBytes;
}
