using Microsoft.Extensions.Time.Testing;
using Segment.Functions.Dispatch.Internal;
using Segment.Functions.Hosting;
using Segment.Functions.Settings.Internal;
using Segment.Functions.Testing;

namespace Segment.Functions.Tests.Dispatch;

public sealed class FunctionInvokerTests
{
    private sealed class WrongLengthBatch : DestinationFunction<FunctionSettings>
    {
        public override Task<BatchResult> OnBatch(IReadOnlyList<SegmentEvent> events, FunctionSettings settings, CancellationToken cancellationToken) =>
            Task.FromResult(BatchResult.FromStatuses([new EventStatus(200)]));
    }

    private sealed class SlowTrack : DestinationFunction<FunctionSettings>
    {
        public override Task OnTrack(TrackEvent @event, FunctionSettings settings, CancellationToken cancellationToken) =>
            Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
    }

    private static FunctionInvoker<FunctionSettings> CreateSut(IDestinationFunction<FunctionSettings> function, FakeTimeProvider time) =>
        new(function, new FunctionSettings(), new InvocationOptions(), SecretRedactor.None, time, supportsBatching: true, validateSettings: static () => { });

    [Test]
    public async Task InvokeBatchAsync_StatusListOfTheWrongLength_DiscardsWithAClearMessage()
    {
        var sut = CreateSut(new WrongLengthBatch(), new FakeTimeProvider());
        SegmentEvent[] events = [SampleEvents.Track(), SampleEvents.Identify(), SampleEvents.Page()];

        var report = await sut.InvokeBatchAsync(events, CancellationToken.None);

        Assert.That(report.Outcomes, Has.Count.EqualTo(3));
        Assert.That(report.Outcomes.Select(o => o.Reason), Is.All.EqualTo(OutcomeReason.UnknownError));
        Assert.That(report.Outcomes[0].Error!.Message, Does.Contain("1 statuses for 3 events"));
    }

    [Test]
    public void InvokeAsync_CallerCancels_ThrowsInsteadOfRecordingATimeout()
    {
        var time = new FakeTimeProvider();
        var sut = CreateSut(new SlowTrack(), time);
        using var stopping = new CancellationTokenSource();

        var running = sut.InvokeAsync(SampleEvents.Track(), stopping.Token).AsTask();
        stopping.Cancel();

        Assert.That(async () => await running, Throws.InstanceOf<OperationCanceledException>());
    }

    [Test]
    public async Task InvokeAsync_Timeout_MeasuresDurationOnTheFakeClock()
    {
        var time = new FakeTimeProvider();
        var sut = CreateSut(new SlowTrack(), time);

        var running = sut.InvokeAsync(SampleEvents.Track(), CancellationToken.None).AsTask();
        time.Advance(TimeSpan.FromSeconds(5));
        var report = await running;

        Assert.That(report.Outcome.Reason, Is.EqualTo(OutcomeReason.Timeout));
        Assert.That(report.Duration, Is.EqualTo(TimeSpan.FromSeconds(5)));
    }
}
