using Microsoft.Extensions.Logging;

namespace Segment.Functions;

/// <summary>One line a function logged during an invocation, secrets redacted.</summary>
/// <param name="Timestamp">When it was logged (from the host's <see cref="TimeProvider"/>).</param>
/// <param name="Level">The log level.</param>
/// <param name="Message">The formatted message, with an exception's type and message appended.</param>
public sealed record LogEntry(DateTimeOffset Timestamp, LogLevel Level, string Message);
