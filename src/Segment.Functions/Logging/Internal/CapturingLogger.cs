using Microsoft.Extensions.Logging;
using Segment.Functions.Dispatch.Internal;
using Segment.Functions.Settings.Internal;
using Segment.Functions.Telemetry.Internal;

namespace Segment.Functions.Logging.Internal;

/// <summary>
/// The <c>Logger</c> a function writes to: each line is redacted, kept with the running invocation
/// (see <see cref="InvocationCapture"/>), and passed on to the application's own logger.
/// </summary>
internal sealed class CapturingLogger : ILogger
{
    private readonly ILogger _inner;
    private readonly SecretRedactor _redactor;

    public CapturingLogger(ILogger inner, SecretRedactor redactor)
    {
        _inner = inner;
        _redactor = redactor;
    }

    // Scope state reaches the application's logger too, so it is redacted like a message.
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => _redactor.IsEmpty ? _inner.BeginScope(state) : _inner.BeginScope(_redactor.Redact(state.ToString()));

    public bool IsEnabled(LogLevel logLevel) =>
        logLevel != LogLevel.None && (InvocationCapture.Current is not null || _inner.IsEnabled(logLevel));

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel))
        {
            return;
        }

        var message = formatter(state, exception);
        if (exception is not null)
        {
            message = $"{message} {exception.GetType().Name}: {exception.Message}";
        }

        // The exception itself is not passed on: its message may hold a secret, its redacted text is in the line.
        message = _redactor.Redact(message);
        InvocationCapture.Current?.AddLog(logLevel, message);
        if (_inner.IsEnabled(logLevel))
        {
            _inner.Log(logLevel, eventId, message, null, static (text, _) => text);
        }
    }
}
