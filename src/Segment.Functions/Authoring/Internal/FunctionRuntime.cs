using Microsoft.Extensions.Logging;

namespace Segment.Functions.Authoring.Internal;

/// <summary>The services the host or harness gives a function: its HTTP client, cache and logger.</summary>
internal sealed record FunctionRuntime(HttpClient Http, FunctionCache Cache, ILogger Logger);
