using Microsoft.Extensions.Logging;

namespace Segment.Functions.AspNetCore.Internal;

/// <summary>The ingestion endpoint's log lines (source-generated). Never given a write key or event content.</summary>
internal static partial class IngestionLog
{
    [LoggerMessage(1, LogLevel.Debug, "Segment ingestion: a client's request could not be read ({Status}): {Reason}")]
    public static partial void BadRequest(ILogger logger, int status, string reason);

    [LoggerMessage(2, LogLevel.Debug, "Segment ingestion: the client went away before its request was handled")]
    public static partial void ClientGone(ILogger logger);

    [LoggerMessage(3, LogLevel.Debug, "Segment ingestion: request refused ({Reason}); the client is told to send it again")]
    public static partial void Refused(ILogger logger, string reason);
}
