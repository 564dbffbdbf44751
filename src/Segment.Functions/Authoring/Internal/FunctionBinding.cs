using Microsoft.Extensions.Logging;
using Segment.Functions.Dispatch.Internal;
using Segment.Functions.Hosting;
using Segment.Functions.Logging.Internal;

namespace Segment.Functions.Authoring.Internal;

/// <summary>
/// The one way a function is bound to its settings and runtime services, used by the host and the
/// test harness alike, so that the harness can never drift from the host: the settings' schema and
/// redactor, the <see cref="FunctionContext"/> handed to the function, the batching decision and the
/// invoker that runs every handler.
/// </summary>
internal static class FunctionBinding
{
    /// <param name="destination">The destination's name.</param>
    /// <param name="function">The function instance (one per destination).</param>
    /// <param name="settings">Its settings; checked by <see cref="FunctionInvoker{TSettings}.ValidateSettings"/>.</param>
    /// <param name="http">The destination's HTTP client (its handler chain captures traffic per invocation).</param>
    /// <param name="cache">The destination's cache.</param>
    /// <param name="log">Where the function's log lines go besides the invocation's capture.</param>
    /// <param name="options">Timeout and capture limits.</param>
    /// <param name="time">The clock of timeouts and captures.</param>
    public static FunctionInvoker<TSettings> Bind<TSettings>(
        string destination,
        IDestinationFunction<TSettings> function,
        TSettings settings,
        HttpClient http,
        FunctionCache cache,
        ILogger log,
        InvocationOptions options,
        TimeProvider time)
    {
        var schema = SettingsSchema.For(typeof(TSettings));
        var redactor = schema.CreateRedactor(settings);
        function.Initialize(new FunctionContext(destination, http, cache, new CapturingLogger(log, redactor)));
        return new FunctionInvoker<TSettings>(function, settings, options, redactor, time, BatchingSupport.IsDefined(function), () => schema.Validate(settings));
    }
}
