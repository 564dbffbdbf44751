namespace Segment.Functions.JavaScript.Internal;

/// <summary>
/// A <see cref="JavaScriptFunction"/> whose source defines <c>onBatch</c>. The host opts a function into
/// batching when its class overrides <c>OnBatch</c>, so a source with <c>onBatch</c> gets this class.
/// </summary>
internal sealed class BatchingJavaScriptFunction(ScriptSource source, JavaScriptOptions options, TimeProvider time, int maxEngines)
    : JavaScriptFunction(source, options, time, maxEngines)
{
    /// <inheritdoc/>
    public override Task<BatchResult> OnBatch(IReadOnlyList<SegmentEvent> events, FunctionSettings settings, CancellationToken cancellationToken) =>
        RunBatchAsync(events, settings, cancellationToken);
}
