using System.Threading.Channels;
using Acornima.Ast;
using Jint;
using Jint.Native;
using Jint.Native.Json;
using Jint.Native.Object;
using Jint.Runtime;
using Jint.Runtime.Interop;

namespace Segment.Functions.JavaScript.Internal;

/// <summary>
/// One Jint engine running one copy of the function: the runtime's globals, then the source, whose
/// module-level state lives as long as the engine. Not thread-safe: the pool hands it to one invocation
/// at a time, and only that invocation's pump (<see cref="RunAsync{T}"/>) touches the engine.
/// </summary>
/// <remarks>
/// Asynchronous work the script starts (an HTTP request, a timer, a cache load) completes off the
/// engine and posts a continuation to the engine's inbox; the pump runs those one at a time, with the
/// promise jobs they release, until the handler's promise settles. A continuation that arrives after its
/// invocation ended runs at the start of the engine's next invocation, as a frozen process would resume.
/// </remarks>
internal sealed partial class ScriptEngine : IDisposable
{
    private static readonly Prepared<Script> Runtime = Engine.PrepareScript(ReadRuntime(), "segment-runtime.js", strict: true);

    private readonly Engine _engine;
    private readonly ScriptSource _source;
    private readonly ScriptServices _services;
    private readonly ScriptBudget _budget = new();
    private readonly Channel<Action> _inbox = Channel.CreateUnbounded<Action>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ObjectInstance _internals;
    private readonly JsValue _run;
    private readonly Dictionary<string, JsValue> _handlers = new(StringComparer.Ordinal);
    private JsValue? _lookup;
    private CancellationToken _token;

    public ScriptEngine(ScriptSource source, ScriptServices services)
    {
        _source = source;
        _services = services;
        var limits = services.Options;
        _engine = new Engine(options =>
        {
            options.Strict = false;
            options.LimitRecursion(limits.MaxRecursionDepth);
            options.Constraints.StackOverflowGuard = true;
            options.LimitMemory(limits.MaxMemoryBytes);
            options.Constraint(_budget);
            // Scripts see JavaScript values only: no CLR type, namespace or object wrapper.
            options.Interop.Enabled = false;
            options.Interop.AllowGetType = false;
            options.Interop.AllowSystemReflection = false;
            options.TimeSystem = new ClockTimeSystem(services.Time);
            options.TimeZone = TimeZoneInfo.Utc;
            options.Culture = System.Globalization.CultureInfo.InvariantCulture;
        });

        var install = _engine.Evaluate(Runtime);
        _internals = _engine.Call(install, CreateHost()).AsObject();
        _run = _internals.Get("run");
    }

    /// <summary>True once the engine hit a limit, a timeout or an error outside the handler's promise: the pool replaces it.</summary>
    public bool Broken { get; private set; }

    /// <summary>
    /// Calls a handler with the event (or batch) and the settings, and pumps until its promise settles.
    /// </summary>
    /// <param name="handler">The handler's name, e.g. <c>onTrack</c>.</param>
    /// <param name="notSupported">The message of the <see cref="EventNotSupported"/> thrown when the source lacks the handler.</param>
    /// <param name="eventJson">The event, or the array of events, as UTF-8 JSON.</param>
    /// <param name="settingsJson">The settings object as JSON.</param>
    /// <param name="read">Turns what the handler resolved to into the result, on the engine.</param>
    /// <param name="cancellationToken">The invocation's token (the host's timeout).</param>
    public async Task<T> RunAsync<T>(string handler, string notSupported, byte[] eventJson, string settingsJson, Func<JsValue, T> read, CancellationToken cancellationToken)
    {
        var settlement = new Settlement();
        _token = cancellationToken;
        _budget.Begin(_services.Options.MaxScriptTime, cancellationToken);
        try
        {
            Enter(() =>
            {
                var function = Handler(handler);
                if (function.IsUndefined())
                {
                    settlement.Error = new EventNotSupported(notSupported);
                    return;
                }

                var parser = new JsonParser(_engine);
                _engine.Call(_run, function, parser.Parse(eventJson), parser.Parse(settingsJson), Callback("done", settlement.Settle));
            });

            while (!settlement.Done)
            {
                var next = await _inbox.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                Enter(next);
            }

            if (settlement.Error is null)
            {
                var result = default(T)!;
                Enter(() => result = read(settlement.Value));
                return result;
            }
        }
        catch (Exception e)
        {
            // Anything that escaped the handler's promise (a limit, the timeout, an error in top-level
            // code or in a timer callback) leaves the engine in an unknown state: it is not reused.
            Broken = true;
            throw Translate(e);
        }
        finally
        {
            _budget.End();
            StopTimers();
            _token = default;
        }

        // What the handler threw (or rejected with): an ordinary outcome, the engine stays usable.
        throw settlement.Error;
    }

    public void Dispose()
    {
        StopTimers();
        _inbox.Writer.TryComplete();
        _engine.Dispose();
    }

    /// <summary>
    /// The handler the source defines, found once per engine (the source runs on first use, inside an
    /// invocation, so what it logs or throws belongs to that invocation); undefined when it has none.
    /// </summary>
    private JsValue Handler(string name)
    {
        if (_handlers.TryGetValue(name, out var known))
        {
            return known;
        }

        _lookup ??= _engine.Call(_engine.Evaluate(_source.Prepared));
        var found = _engine.Call(_lookup, name);
        if (!found.IsUndefined())
        {
            _handlers[name] = found;
        }

        return found;
    }

    /// <summary>Queues work for the engine; runs on the pump of the current or the next invocation.</summary>
    private void Post(Action work) => _inbox.Writer.TryWrite(work);

    /// <summary>Runs script synchronously, then the promise jobs it released, counting the time against the budget.</summary>
    private void Enter(Action work)
    {
        _budget.StartSlice();
        try
        {
            work();
            _engine.Advanced.ProcessTasks();
        }
        finally
        {
            _budget.EndSlice();
        }
    }

    // Every host function is named "host:…", so a test can prove none is reachable from script.
    private ClrFunction Callback(string name, Func<JsValue[], JsValue> body) =>
        new(_engine, "host:" + name, (_, arguments) => body(arguments));

    private static JsValue Arg(JsValue[] arguments, int index) => index < arguments.Length ? arguments[index] : JsValue.Undefined;

    /// <summary>Turns what runtime.js's <c>describe</c> made of a thrown value into the error the host records.</summary>
    private static Exception ToError(JsValue description)
    {
        var parts = description.AsArray();
        var kind = parts[0].AsString();
        var name = parts[1].AsString();
        var message = parts[2].AsString();
        var stack = parts[3].AsString();
        return kind switch
        {
            nameof(EventNotSupported) => new EventNotSupported(message),
            nameof(InvalidEventPayload) => new InvalidEventPayload(message),
            nameof(ValidationError) => new ValidationError(message),
            nameof(RetryError) => new RetryError(message),
            _ => new JavaScriptError(name, message, stack.Length == 0 ? null : stack),
        };
    }

    private Exception Translate(Exception exception) => exception switch
    {
        JavaScriptException thrown => Describe(thrown),
        RecursionDepthOverflowException => new JavaScriptError(
            "RangeError", $"Maximum call stack size exceeded: calls nested deeper than JavaScriptOptions.MaxRecursionDepth ({_services.Options.MaxRecursionDepth})."),
        MemoryLimitExceededException => new JavaScriptError(
            "RangeError", $"The script allocated more than JavaScriptOptions.MaxMemoryBytes ({_services.Options.MaxMemoryBytes:N0} bytes) in one run."),
        ScriptTimeExceededException => new JavaScriptError(
            "RangeError", $"The script ran longer than JavaScriptOptions.MaxScriptTime ({_services.Options.MaxScriptTime.TotalSeconds:0.###} s); is there a loop that never ends?"),
        _ => exception,
    };

    private Exception Describe(JavaScriptException thrown)
    {
        try
        {
            return ToError(_engine.Call(_internals.Get("describe"), thrown.Error));
        }
        catch (JintException)
        {
            // The engine is past describing anything (a limit hit again): keep what Jint says.
            return new JavaScriptError("Error", thrown.Message);
        }
    }

    private static string ReadRuntime()
    {
        using var stream = typeof(ScriptEngine).Assembly.GetManifestResourceStream("Segment.Functions.JavaScript.runtime.js")
            ?? throw new InvalidOperationException("The embedded runtime.js is missing from Segment.Functions.JavaScript.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>How the handler's promise settled.</summary>
    private sealed class Settlement
    {
        private Exception? _error;

        public bool Done { get; private set; }

        public JsValue Value { get; private set; } = JsValue.Undefined;

        public Exception? Error
        {
            get => _error;
            set
            {
                _error = value;
                Done = true;
            }
        }

        public JsValue Settle(JsValue[] arguments)
        {
            if (Arg(arguments, 0).AsBoolean())
            {
                Value = Arg(arguments, 1);
                Done = true;
            }
            else
            {
                Error = ToError(Arg(arguments, 1));
            }

            return JsValue.Undefined;
        }
    }
}
