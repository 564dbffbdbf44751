using System.Runtime.CompilerServices;

namespace Segment.Functions.Benchmarks;

/// <summary>Settings of the no-op functions: one plain setting, as a real function has.</summary>
public sealed class NoopSettings
{
    [Setting(Label = "Endpoint", Required = true)]
    public string Endpoint { get; set; } = "https://noop.test/api";
}

/// <summary>A single-event function whose handlers do nothing and complete synchronously.</summary>
/// <remarks><c>OnTrack</c> is not inlined, so a direct call (the benchmarks' baseline) is a real call as through the host.</remarks>
public class NoopFunction : DestinationFunction<NoopSettings>
{
    [MethodImpl(MethodImplOptions.NoInlining)]
    public override Task OnTrack(TrackEvent @event, NoopSettings settings, CancellationToken cancellationToken) => Task.CompletedTask;

    public override Task OnIdentify(IdentifyEvent @event, NoopSettings settings, CancellationToken cancellationToken) => Task.CompletedTask;

    public override Task OnPage(PageEvent @event, NoopSettings settings, CancellationToken cancellationToken) => Task.CompletedTask;

    public override Task OnScreen(ScreenEvent @event, NoopSettings settings, CancellationToken cancellationToken) => Task.CompletedTask;

    public override Task OnGroup(GroupEvent @event, NoopSettings settings, CancellationToken cancellationToken) => Task.CompletedTask;

    public override Task OnAlias(AliasEvent @event, NoopSettings settings, CancellationToken cancellationToken) => Task.CompletedTask;

    public override Task OnDelete(DeleteEvent @event, NoopSettings settings, CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>The no-op function with <c>OnBatch</c>, so the host sends it batches.</summary>
public sealed class NoopBatchFunction : NoopFunction
{
    private static readonly Task<BatchResult> Delivered = Task.FromResult(BatchResult.Delivered);

    [MethodImpl(MethodImplOptions.NoInlining)]
    public override Task<BatchResult> OnBatch(IReadOnlyList<SegmentEvent> events, NoopSettings settings, CancellationToken cancellationToken) => Delivered;
}

/// <summary>A destination that never finishes: every handler waits until the host stops (the invocation timeout is set far out).</summary>
public sealed class StalledFunction : DestinationFunction<NoopSettings>
{
    public override Task OnTrack(TrackEvent @event, NoopSettings settings, CancellationToken cancellationToken) =>
        Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
}

/// <summary>Posts each event as JSON to its endpoint (the webhook forwarder of the original docs).</summary>
public class HttpForwardFunction : DestinationFunction<NoopSettings>
{
    public override async Task OnTrack(TrackEvent @event, NoopSettings settings, CancellationToken cancellationToken)
    {
        using var content = new StringContent(@event.ToJson(), System.Text.Encoding.UTF8, "application/json");
        using var response = await Http.PostAsync(settings.Endpoint, content, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new RetryError($"HTTP Status {(int)response.StatusCode}");
        }
    }
}

/// <summary>The forwarder with <c>OnBatch</c>: one request per batch, the events as a JSON array.</summary>
public sealed class HttpBatchForwardFunction : HttpForwardFunction
{
    public override async Task<BatchResult> OnBatch(IReadOnlyList<SegmentEvent> events, NoopSettings settings, CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent(System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(events));
        using var response = await Http.PostAsync(settings.Endpoint + "/batch", content, cancellationToken).ConfigureAwait(false);
        return response.IsSuccessStatusCode ? BatchResult.Delivered : throw new RetryError($"HTTP Status {(int)response.StatusCode}");
    }
}
