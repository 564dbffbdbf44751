using Microsoft.Extensions.Logging;

namespace Segment.Functions.JavaScript.Internal;

/// <summary>What an engine's globals are backed by: the destination's HTTP client, cache and log, the host's clock, and the limits.</summary>
internal sealed record ScriptServices(HttpClient Http, FunctionCache Cache, ILogger Logger, TimeProvider Time, JavaScriptOptions Options);
