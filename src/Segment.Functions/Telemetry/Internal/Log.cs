using Microsoft.Extensions.Logging;

namespace Segment.Functions.Telemetry.Internal;

/// <summary>The host's own log lines (source-generated). Never given event content or settings.</summary>
internal static partial class Log
{
    /// <summary>
    /// Runs what a failure path still wants to do (a log line, a last record) where another
    /// exception must not change what happens next: if it throws, it is dropped.
    /// </summary>
    public static void Safely(Action write)
    {
        try
        {
            write();
        }
        catch (Exception)
        {
            // The logger itself failed; there is nowhere left to report that.
        }
    }

    [LoggerMessage(1, LogLevel.Information, "Segment.Functions host starting {Count} destination(s): {Destinations}")]
    public static partial void Starting(ILogger logger, int count, string destinations);

    [LoggerMessage(2, LogLevel.Information, "Segment.Functions host stopping; delivering what is queued for up to {Timeout}")]
    public static partial void Stopping(ILogger logger, TimeSpan timeout);

    [LoggerMessage(3, LogLevel.Warning, "Destination {Destination} stopped with {Count} event(s) still pending (queued {Queued}, in flight {InFlight}, waiting for retry {Retrying})")]
    public static partial void LeftPending(ILogger logger, string destination, int count, int queued, int inFlight, int retrying);

    [LoggerMessage(4, LogLevel.Debug, "Rejected input: {Reason}")]
    public static partial void RejectedInput(ILogger logger, string reason);

    [LoggerMessage(5, LogLevel.Warning, "Destination {Destination} is full ({Capacity} events); an event was rejected")]
    public static partial void QueueFull(ILogger logger, string destination, int capacity);

    [LoggerMessage(6, LogLevel.Debug, "Destination {Destination} discarded an event: {Reason}")]
    public static partial void Discarded(ILogger logger, string destination, string reason);

    [LoggerMessage(7, LogLevel.Warning, "Destination {Destination} gave up an event after {Attempts} attempt(s) over the retry window: {Reason}")]
    public static partial void Expired(ILogger logger, string destination, int attempts, string reason);

    [LoggerMessage(8, LogLevel.Error, "Destination {Destination} failed to record an outcome")]
    public static partial void RecordFailed(ILogger logger, string destination, Exception exception);

    [LoggerMessage(9, LogLevel.Information, "Segment.Functions host stopped")]
    public static partial void Stopped(ILogger logger);

    [LoggerMessage(10, LogLevel.Error, "Destination {Destination} failed while recording an outcome; the event is recorded as an Unknown Error")]
    public static partial void CompleteFailed(ILogger logger, string destination, Exception exception);

    [LoggerMessage(11, LogLevel.Critical, "Destination {Destination} stopped reading its queue after an unexpected error; its events stay pending and its health check reports unhealthy")]
    public static partial void ReaderFailed(ILogger logger, string destination, Exception exception);

    [LoggerMessage(12, LogLevel.Error, "Destination {Destination} failed to stop cleanly")]
    public static partial void StopFailed(ILogger logger, string destination, Exception exception);

    [LoggerMessage(13, LogLevel.Error, "Disposing the function of destination {Destination} failed")]
    public static partial void DisposeFailed(ILogger logger, string destination, Exception exception);

    [LoggerMessage(14, LogLevel.Error, "Delivery observer {Observer} threw for destination {Destination}; the event is not affected")]
    public static partial void ObserverFailed(ILogger logger, string destination, string observer, Exception exception);

    [LoggerMessage(15, LogLevel.Warning, "Destination {Destination}: a handler is still running {Timeout} after it started and does not give back its thread (it blocks instead of awaiting); its event is recorded as timed out and the next event runs on another thread")]
    public static partial void HandlerOverran(ILogger logger, string destination, TimeSpan timeout);

    [LoggerMessage(16, LogLevel.Error, "Destination {Destination} could not claim events from durable storage; nothing is lost, it looks again in {RetryIn}")]
    public static partial void ClaimFailed(ILogger logger, string destination, TimeSpan retryIn, Exception exception);

    [LoggerMessage(17, LogLevel.Warning, "Destination {Destination}: the lease of delivery {Delivery} (attempt {Attempt}) was lost before its outcome was written; the attempt that holds it now decides the outcome")]
    public static partial void LeaseLost(ILogger logger, string destination, long delivery, int attempt);

    [LoggerMessage(18, LogLevel.Error, "Destination {Destination}: the outcome of delivery {Delivery} could not be written; the event will be claimed and attempted again when its lease runs out")]
    public static partial void CompletionFailed(ILogger logger, string destination, long delivery, Exception exception);

    [LoggerMessage(19, LogLevel.Warning, "Destination {Destination}: {Count} lease(s) were lost before renewal (they ran out: is LeaseDuration shorter than the pauses of this process?); those events may be delivered again")]
    public static partial void LeasesLost(ILogger logger, string destination, int count);

    [LoggerMessage(20, LogLevel.Error, "Destination {Destination} could not renew its leases; they are renewed again at the next turn")]
    public static partial void RenewFailed(ILogger logger, string destination, Exception exception);

    [LoggerMessage(21, LogLevel.Error, "Durable storage could not commit {Events} accepted event(s); they were answered Unavailable and nothing of them was stored")]
    public static partial void AppendFailed(ILogger logger, int events, Exception exception);

    [LoggerMessage(22, LogLevel.Warning, "Destination {Destination} could not give back {Count} claimed event(s) it had not started; they are claimed again when their leases run out")]
    public static partial void ReleaseFailed(ILogger logger, string destination, int count, Exception exception);
}
