using System.Collections.Concurrent;

namespace Segment.Functions.Tests.Hosting;

/// <summary>Settings of the probe functions; the probe itself rides along (it is not a [Setting]).</summary>
public sealed class ProbeSettings
{
    public const string Secret = "probe-secret-9f3a7c";

    [Setting(Label = "Endpoint", Required = true)]
    public string Endpoint { get; set; } = "https://probe.test/api";

    [Setting(Label = "API Key", Encrypted = true)]
    public string ApiKey { get; set; } = Secret;

    public Probe Probe { get; set; } = new();
}

/// <summary>What a host test scripts its function with, and what it saw.</summary>
public sealed class Probe
{
    private readonly ConcurrentDictionary<string, int> _attempts = new();

    /// <summary>Runs for each single-event call (attempt is 1 for the first call with that messageId).</summary>
    public Func<SegmentEvent, int, CancellationToken, Task> Handle { get; set; } = static (_, _, _) => Task.CompletedTask;

    /// <summary>Runs for each OnBatch call (call is 1 for the first).</summary>
    public Func<IReadOnlyList<SegmentEvent>, int, CancellationToken, Task<BatchResult>> HandleBatch { get; set; } =
        static (_, _, _) => Task.FromResult(BatchResult.Delivered);

    public ConcurrentQueue<SegmentEvent> Singles { get; } = new();

    public ConcurrentQueue<int> BatchSizes { get; } = new();

    public ConcurrentQueue<ProbeSettings> SettingsSeen { get; } = new();

    /// <summary>Completes when the first call starts (single or batch).</summary>
    public TaskCompletionSource Called { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private int _batchCalls;

    internal Task OnEvent(SegmentEvent @event, ProbeSettings settings, CancellationToken cancellationToken)
    {
        Singles.Enqueue(@event);
        SettingsSeen.Enqueue(settings);
        Called.TrySetResult();
        var attempt = _attempts.AddOrUpdate(@event.MessageId ?? "", 1, static (_, n) => n + 1);
        return Handle(@event, attempt, cancellationToken);
    }

    internal Task<BatchResult> OnBatch(IReadOnlyList<SegmentEvent> events, CancellationToken cancellationToken)
    {
        BatchSizes.Enqueue(events.Count);
        Called.TrySetResult();
        return HandleBatch(events, Interlocked.Increment(ref _batchCalls), cancellationToken);
    }
}

/// <summary>A single-event function that hands every handler to its probe (one from DI if registered, else the settings' own).</summary>
public class ProbeFunction(Probe? injected = null) : DestinationFunction<ProbeSettings>
{
    protected Probe ProbeFor(ProbeSettings settings) => injected ?? settings.Probe;

    public override Task OnTrack(TrackEvent @event, ProbeSettings settings, CancellationToken cancellationToken) => ProbeFor(settings).OnEvent(@event, settings, cancellationToken);

    public override Task OnIdentify(IdentifyEvent @event, ProbeSettings settings, CancellationToken cancellationToken) => ProbeFor(settings).OnEvent(@event, settings, cancellationToken);

    public override Task OnPage(PageEvent @event, ProbeSettings settings, CancellationToken cancellationToken) => ProbeFor(settings).OnEvent(@event, settings, cancellationToken);

    public override Task OnScreen(ScreenEvent @event, ProbeSettings settings, CancellationToken cancellationToken) => ProbeFor(settings).OnEvent(@event, settings, cancellationToken);

    public override Task OnGroup(GroupEvent @event, ProbeSettings settings, CancellationToken cancellationToken) => ProbeFor(settings).OnEvent(@event, settings, cancellationToken);

    public override Task OnAlias(AliasEvent @event, ProbeSettings settings, CancellationToken cancellationToken) => ProbeFor(settings).OnEvent(@event, settings, cancellationToken);

    public override Task OnDelete(DeleteEvent @event, ProbeSettings settings, CancellationToken cancellationToken) => ProbeFor(settings).OnEvent(@event, settings, cancellationToken);
}

/// <summary>The probe function with <c>OnBatch</c>, so the host batches for it.</summary>
public sealed class BatchProbeFunction(Probe? injected = null) : ProbeFunction(injected)
{
    public override Task<BatchResult> OnBatch(IReadOnlyList<SegmentEvent> events, ProbeSettings settings, CancellationToken cancellationToken) =>
        ProbeFor(settings).OnBatch(events, cancellationToken);
}
