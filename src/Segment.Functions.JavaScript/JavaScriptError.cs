namespace Segment.Functions.JavaScript;

/// <summary>
/// An error a JavaScript function threw that is not one of Segment's error classes — a plain
/// <c>Error</c>, an engine <c>TypeError</c> or <c>ReferenceError</c>, a <c>FetchError</c> nobody caught —
/// or a limit the script broke. The host records it as Unknown Error and discards the event, as the
/// original runtime does.
/// </summary>
/// <remarks>The message reads as Node prints an error: <c>ReferenceError: apiKey is not defined</c>.</remarks>
public sealed class JavaScriptError : Exception
{
    /// <summary>Creates the error, without a script stack trace.</summary>
    /// <param name="name">The JavaScript error's <c>name</c>, e.g. <c>TypeError</c>; empty when a non-error value was thrown.</param>
    /// <param name="message">The JavaScript error's <c>message</c>.</param>
    public JavaScriptError(string name, string message)
        : this(name, message, javaScriptStack: null)
    {
    }

    /// <summary>Creates the error.</summary>
    /// <param name="name">The JavaScript error's <c>name</c>, e.g. <c>TypeError</c>; empty when a non-error value was thrown.</param>
    /// <param name="message">The JavaScript error's <c>message</c>.</param>
    /// <param name="javaScriptStack">The script's stack trace, or null.</param>
    public JavaScriptError(string name, string message, string? javaScriptStack)
        : base(string.IsNullOrEmpty(name) ? message : $"{name}: {message}")
    {
        Name = name;
        JavaScriptMessage = message;
        JavaScriptStack = javaScriptStack;
    }

    /// <summary>The JavaScript error's <c>name</c> (<c>Error</c>, <c>TypeError</c>, <c>ReferenceError</c>, <c>FetchError</c>, …).</summary>
    public string Name { get; }

    /// <summary>The JavaScript error's <c>message</c>, without the name.</summary>
    public string JavaScriptMessage { get; }

    /// <summary>The script's stack trace (<c>at onTrack (function.js:3:9)</c> …), or null.</summary>
    public string? JavaScriptStack { get; }
}
