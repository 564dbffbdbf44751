namespace Segment.Functions.Hosting;

/// <summary>
/// Runs a registered destination's function once, now, the way the original editor's Test panel
/// does: outside the queue, without retries and without a delivery record. Resolve it from DI
/// after <c>services.AddSegmentFunctions()</c>. Thread-safe.
/// </summary>
/// <remarks>
/// The run is real: the function uses the destination's own instance, settings, HTTP client and
/// cache, so its requests go out. Use it for an operator's test, behind authorization.
/// </remarks>
public interface IDestinationTester
{
    /// <summary>
    /// Runs <paramref name="utf8Json"/> through the destination's function: a JSON object runs the
    /// handler for its type, a JSON array runs <c>OnBatch</c>. Input that is not a valid event is
    /// answered as discarded with <see cref="OutcomeReason.BadRequest"/>, without running anything.
    /// </summary>
    /// <param name="destination">The destination's name, as registered.</param>
    /// <param name="utf8Json">One event, or a JSON array of events, as UTF-8.</param>
    /// <param name="cancellationToken">Cancels the run (the invocation timeout applies as well).</param>
    /// <returns>The outcome, error, logs and HTTP traces of the run, secrets redacted.</returns>
    /// <exception cref="ArgumentException">No destination has that name.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    Task<TestRun> TestAsync(string destination, ReadOnlyMemory<byte> utf8Json, CancellationToken cancellationToken = default);
}
