using Microsoft.Extensions.Logging;

namespace Segment.Functions;

/// <summary>
/// What the host (or the test harness) gives a destination function before its first event: the
/// destination's name, its HTTP client, its cache and its log. <see cref="DestinationFunction{TSettings}"/>
/// exposes these as <c>Http</c>, <c>Cache</c> and <c>Logger</c>; a class that implements
/// <see cref="IDestinationFunction{TSettings}"/> directly receives them in
/// <see cref="IDestinationFunction{TSettings}.Initialize(FunctionContext)"/>.
/// </summary>
public sealed class FunctionContext
{
    internal FunctionContext(string destination, HttpClient http, FunctionCache cache, ILogger logger)
    {
        Destination = destination;
        Http = http;
        Cache = cache;
        Logger = logger;
    }

    /// <summary>The name the destination was registered with.</summary>
    public string Destination { get; }

    /// <summary>The HTTP client for calls to the destination's API (the original <c>fetch</c>); each request is traced with the invocation that made it, secrets redacted.</summary>
    public HttpClient Http { get; }

    /// <summary>The destination's cache (the original <c>cache</c>).</summary>
    public FunctionCache Cache { get; }

    /// <summary>The log (the original <c>console.log</c>): lines are kept with the invocation that wrote them, secrets redacted.</summary>
    public ILogger Logger { get; }
}
