using Jint.Native;

namespace Segment.Functions.JavaScript.Internal;

/// <summary>A script value rejected a host-side wait (cache.load's factory); carries it back to the engine it came from.</summary>
internal sealed class ScriptRejection(ScriptEngine origin, JsValue value, string message) : Exception(message)
{
    public ScriptEngine Origin { get; } = origin;

    public JsValue Value { get; } = value;
}
