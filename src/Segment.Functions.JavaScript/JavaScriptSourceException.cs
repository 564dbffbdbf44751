namespace Segment.Functions.JavaScript;

/// <summary>
/// A JavaScript function's source was refused when it was registered: it does not parse, or it uses a
/// global of the original runtime that this one does not provide (<c>Buffer</c>, <c>AWS</c>, <c>stripe</c>, …).
/// </summary>
public sealed class JavaScriptSourceException : ArgumentException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong and what to do.</param>
    /// <param name="unsupportedGlobals">The globals the source uses that this runtime lacks; empty for a parse error.</param>
    public JavaScriptSourceException(string message, IReadOnlyList<string> unsupportedGlobals)
        : this(message, unsupportedGlobals, innerException: null)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong and what to do.</param>
    /// <param name="unsupportedGlobals">The globals the source uses that this runtime lacks; empty for a parse error.</param>
    /// <param name="innerException">The parser's error, or null.</param>
    public JavaScriptSourceException(string message, IReadOnlyList<string> unsupportedGlobals, Exception? innerException)
        : base(message, innerException)
    {
        UnsupportedGlobals = unsupportedGlobals;
    }

    /// <summary>The globals the source uses that this runtime does not provide, sorted; empty for a parse error.</summary>
    public IReadOnlyList<string> UnsupportedGlobals { get; }
}
