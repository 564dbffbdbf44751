using System.Text;
using Microsoft.Extensions.Logging;
using Segment.Functions.Hosting;
using Segment.Functions.Settings.Internal;

namespace Segment.Functions.Dispatch.Internal;

/// <summary>
/// What one invocation logged and which HTTP requests it made, capped and with secrets redacted.
/// Found through <see cref="Current"/> by the function's logger and HTTP handler, so that concurrent
/// invocations on one function instance each keep their own.
/// </summary>
/// <remarks>
/// One is made per invocation, and most invocations log nothing and send nothing: it allocates only
/// itself until something is recorded (lists are made on first use; it locks on itself rather than on
/// a lock object of its own, which is safe as the type is internal and never handed to other code).
/// </remarks>
internal sealed class InvocationCapture
{
    private static readonly AsyncLocal<InvocationCapture?> CurrentCapture = new();

    private readonly InvocationOptions _options;
    private readonly TimeProvider _time;
    private List<LogEntry>? _logs;
    private List<HttpTrace>? _traces;
    private int _logBytes;
    private bool _sealed;
    private string? _formatted;

    public InvocationCapture(InvocationOptions options, SecretRedactor redactor, TimeProvider time)
    {
        _options = options;
        Redactor = redactor;
        _time = time;
    }

    /// <summary>The capture of the invocation running on this async flow, if any.</summary>
    public static InvocationCapture? Current
    {
        get => CurrentCapture.Value;
        set => CurrentCapture.Value = value;
    }

    public SecretRedactor Redactor { get; }

    public InvocationOptions Options => _options;

    public TimeProvider Time => _time;

    public IReadOnlyList<LogEntry> Logs => (IReadOnlyList<LogEntry>?)_logs ?? [];

    public IReadOnlyList<HttpTrace> HttpTraces => (IReadOnlyList<HttpTrace>?)_traces ?? [];

    /// <summary>UTF-8 bytes of log text (one line break per line) that did not fit under <see cref="InvocationOptions.MaxLogBytes"/>.</summary>
    public int DroppedLogBytes { get; private set; }

    /// <summary>Requests made after <see cref="InvocationOptions.MaxHttpTraces"/> was reached.</summary>
    public int DroppedHttpTraces { get; private set; }

    /// <summary>Adds a log line (already redacted), cutting it at the byte budget.</summary>
    public void AddLog(LogLevel level, string message)
    {
        lock (this)
        {
            if (_sealed)
            {
                return;
            }

            // A line costs its text and the line break FormatLogs puts after it: the formatted logs stay
            // within the limit, and a flood of empty lines cannot grow the list without bound.
            var bytes = Encoding.UTF8.GetByteCount(message) + 1;
            var room = _options.MaxLogBytes - _logBytes;
            if (bytes > room)
            {
                if (room <= 1)
                {
                    DroppedLogBytes += bytes;
                    return;
                }

                DroppedLogBytes += bytes - room;
                message = Utf8Text.Prefix(message, room - 1);
                bytes = room;
            }

            _logBytes += bytes;
            (_logs ??= []).Add(new LogEntry(_time.GetUtcNow(), level, message));
        }
    }

    /// <summary>Adds a finished HTTP trace (already redacted) unless the trace budget is spent.</summary>
    public void AddTrace(HttpTrace trace)
    {
        lock (this)
        {
            if (_sealed)
            {
                return;
            }

            if ((_traces?.Count ?? 0) >= _options.MaxHttpTraces)
            {
                DroppedHttpTraces++;
                return;
            }

            (_traces ??= []).Add(trace);
        }
    }

    /// <summary>Stops recording: a handler abandoned at its timeout must not change a finished report.</summary>
    public void Seal()
    {
        lock (this)
        {
            _sealed = true;
        }
    }

    /// <summary>The logs as text, one line per entry, with a visible mark where they were cut.</summary>
    /// <remarks>Once sealed, the text is built once and shared (the records of a batch's events all carry it).</remarks>
    public string FormatLogs()
    {
        lock (this)
        {
            if (_logs is null && DroppedLogBytes == 0)
            {
                return "";
            }

            if (_formatted is not null)
            {
                return _formatted;
            }

            var text = new StringBuilder();
            foreach (var entry in _logs ?? [])
            {
                text.Append(entry.Message).Append('\n');
            }

            if (DroppedLogBytes > 0)
            {
                text.Append($"… [logs truncated: {DroppedLogBytes} more bytes over the {_options.MaxLogBytes}-byte limit]\n");
            }

            var formatted = text.ToString();
            if (_sealed)
            {
                _formatted = formatted;
            }

            return formatted;
        }
    }
}
