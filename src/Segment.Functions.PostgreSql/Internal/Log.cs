using Microsoft.Extensions.Logging;

namespace Segment.Functions.PostgreSql.Internal;

/// <summary>The package's log messages (source-generated).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Warning,
        Message = "The connection listening for new deliveries on channel {Channel} failed; polling every {PollInterval} until it is back, next try in {RetryIn}.")]
    public static partial void ListenerConnectionLost(ILogger logger, string channel, TimeSpan pollInterval, TimeSpan retryIn, Exception exception);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Deleted {Count} delivery records older than {Cutoff} (retention).")]
    public static partial void RetentionDeleted(ILogger logger, long count, DateTimeOffset cutoff);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Deleting old delivery records failed; trying again at the next sweep.")]
    public static partial void RetentionFailed(ILogger logger, Exception exception);
}
