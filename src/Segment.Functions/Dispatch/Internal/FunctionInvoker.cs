using Segment.Functions.Hosting;
using Segment.Functions.Settings.Internal;

namespace Segment.Functions.Dispatch.Internal;

/// <summary>
/// Runs one handler invocation exactly one way, for the host and the harness: under the invocation
/// timeout (from <see cref="TimeProvider"/>), with logs and HTTP traffic captured for that invocation,
/// and every outcome decided by <see cref="OutcomeClassifier"/>.
/// </summary>
/// <remarks>
/// A handler that ignores its cancellation token is abandoned at the timeout: the worker is freed,
/// the capture is sealed, and whatever the handler does later is not recorded.
/// </remarks>
internal sealed class FunctionInvoker<TSettings> : IFunctionInvoker
{
    private readonly IDestinationFunction<TSettings> _function;
    private readonly TSettings _settings;
    private readonly InvocationOptions _options;
    private readonly SecretRedactor _redactor;
    private readonly TimeProvider _time;
    private readonly Action _validateSettings;

    /// <summary>Made by <see cref="Authoring.Internal.FunctionBinding"/> (the benchmarks make one directly).</summary>
    public FunctionInvoker(IDestinationFunction<TSettings> function, TSettings settings, InvocationOptions options, SecretRedactor redactor, TimeProvider time, bool supportsBatching, Action validateSettings)
    {
        _function = function;
        _settings = settings;
        _options = options;
        _redactor = redactor;
        _time = time;
        SupportsBatching = supportsBatching;
        _validateSettings = validateSettings;
    }

    public SecretRedactor Redactor => _redactor;

    public bool SupportsBatching { get; }

    /// <inheritdoc/>
    public void ValidateSettings() => _validateSettings();

    /// <summary>Runs the single-event handler for the event's type.</summary>
    /// <exception cref="OperationCanceledException">The caller's token was cancelled (not a timeout).</exception>
    public ValueTask<InvocationReport> InvokeAsync(SegmentEvent @event, CancellationToken cancellationToken) =>
        RunAsync(
            @event,
            static (self, e, token) => EventDispatcher.Dispatch(self._function, e, self._settings, token),
            NoBatchOutcomes,
            cancellationToken,
            watchedTimeout: default);

    /// <summary>
    /// Runs the single-event handler with <paramref name="timeoutToken"/> as its token: the caller
    /// cancels it when the invocation's time is up (the host's watchdog, one timer per destination),
    /// and that cancellation is the Timeout outcome. No timer of its own, and no copy of the event:
    /// the caller hands over an instance the handler may have.
    /// </summary>
    public ValueTask<InvocationReport> InvokeWatchedAsync(SegmentEvent @event, CancellationToken timeoutToken) =>
        RunAsync(
            @event,
            static (self, e, token) => EventDispatcher.Dispatch(self._function, e, self._settings, token, copy: false),
            NoBatchOutcomes,
            cancellationToken: default,
            watchedTimeout: timeoutToken);

    /// <summary>Runs <c>OnBatch</c> and turns its result into one outcome per event, by index.</summary>
    /// <exception cref="OperationCanceledException">The caller's token was cancelled (not a timeout).</exception>
    public ValueTask<InvocationReport> InvokeBatchAsync(IReadOnlyList<SegmentEvent> events, CancellationToken cancellationToken) =>
        RunAsync(
            events,
            static (self, batch, token) => EventDispatcher.DispatchBatch(self._function, batch, self._settings, token),
            OutcomesOfBatch,
            cancellationToken,
            watchedTimeout: default);

    /// <summary>Runs <c>OnBatch</c> under a timeout the caller watches, on instances the handler may have (see <see cref="InvokeWatchedAsync"/>).</summary>
    public ValueTask<InvocationReport> InvokeBatchWatchedAsync(IReadOnlyList<SegmentEvent> events, CancellationToken timeoutToken) =>
        RunAsync(
            events,
            static (self, batch, token) => EventDispatcher.DispatchBatch(self._function, batch, self._settings, token, copy: false),
            OutcomesOfBatch,
            cancellationToken: default,
            watchedTimeout: timeoutToken);

    /// <summary>The one invocation path: capture scope, timeout, outcome.</summary>
    private async ValueTask<InvocationReport> RunAsync<TInput>(
        TInput input,
        Func<FunctionInvoker<TSettings>, TInput, CancellationToken, Task> start,
        Func<FunctionInvoker<TSettings>, TInput, Task, EventOutcome, IReadOnlyList<EventOutcome>?> outcomes,
        CancellationToken cancellationToken,
        CancellationToken watchedTimeout)
    {
        var capture = new InvocationCapture(_options, _redactor, _time);
        var started = _time.GetTimestamp();
        var previous = InvocationCapture.Current;
        InvocationCapture.Current = capture;
        // A timer per invocation only when nobody watches the time for us (the harness, the Test panel).
        var timeout = watchedTimeout.CanBeCanceled ? null : new CancellationTokenSource(_options.Timeout, _time);
        try
        {
            using var link = timeout is null ? default : Link(cancellationToken, timeout);
            var token = timeout?.Token ?? watchedTimeout;
            var task = start(this, input, token);
            var outcome = await CompleteAsync(task, token, cancellationToken).ConfigureAwait(false);
            capture.Seal();
            return new InvocationReport(outcome, outcomes(this, input, task, outcome), capture, _time.GetElapsedTime(started));
        }
        finally
        {
            timeout?.Dispose();
            InvocationCapture.Current = previous;
        }
    }

    // A single event's outcome is the report's own: no list.
    private static IReadOnlyList<EventOutcome>? NoBatchOutcomes(FunctionInvoker<TSettings> self, SegmentEvent @event, Task task, EventOutcome outcome) => null;

    private static IReadOnlyList<EventOutcome>? OutcomesOfBatch(FunctionInvoker<TSettings> self, IReadOnlyList<SegmentEvent> batch, Task task, EventOutcome outcome) =>
        outcome.Kind == OutcomeKind.Delivered
            ? self.BatchOutcomes(((Task<BatchResult>)task).Result, batch.Count)
            // A thrown error decides for the whole batch: RetryError and Timeout retry it, anything else discards it.
            : Enumerable.Repeat(outcome, batch.Count).ToArray();

    private EventOutcome[] BatchOutcomes(BatchResult? result, int count)
    {
        var outcomes = new EventOutcome[count];
        if (result?.Statuses is not { } statuses)
        {
            Array.Fill(outcomes, EventOutcome.Delivered);
            return outcomes;
        }

        if (statuses.Count != count)
        {
            var error = new InvalidOperationException(
                $"OnBatch returned {statuses.Count} statuses for {count} events; return exactly one EventStatus per event, in the order of the events (or BatchResult.Delivered).");
            Array.Fill(outcomes, OutcomeClassifier.FromException(error, _redactor));
            return outcomes;
        }

        for (var i = 0; i < count; i++)
        {
            outcomes[i] = OutcomeClassifier.FromStatus(statuses[i], _redactor);
        }

        return outcomes;
    }

    private async ValueTask<EventOutcome> CompleteAsync(Task task, CancellationToken timeoutToken, CancellationToken callerToken)
    {
        try
        {
            if (!task.IsCompleted)
            {
                // Returns at the timeout even if the handler ignores its token.
                await task.WaitAsync(timeoutToken).ConfigureAwait(false);
            }

            task.GetAwaiter().GetResult();
            return EventOutcome.Delivered;
        }
        catch (OperationCanceledException) when (callerToken.IsCancellationRequested)
        {
            ObserveLater(task);
            throw;
        }
        catch (OperationCanceledException) when (timeoutToken.IsCancellationRequested)
        {
            ObserveLater(task);
            return OutcomeClassifier.Timeout(_options.Timeout);
        }
        catch (Exception exception)
        {
            return OutcomeClassifier.FromException(exception, _redactor);
        }
    }

    private static CancellationTokenRegistration Link(CancellationToken callerToken, CancellationTokenSource timeout) =>
        callerToken.CanBeCanceled
            ? callerToken.UnsafeRegister(static state => ((CancellationTokenSource)state!).Cancel(), timeout)
            : default;

    // An abandoned handler may still fault later; observe it so it never surfaces as an unobserved exception.
    private static void ObserveLater(Task task)
    {
        if (!task.IsCompleted)
        {
            task.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }
}

/// <summary>A function bound to its settings, seen without its settings type (what the host's pipelines hold).</summary>
internal interface IFunctionInvoker
{
    SecretRedactor Redactor { get; }

    /// <summary>Whether the function defines <c>OnBatch</c>.</summary>
    bool SupportsBatching { get; }

    /// <summary>Checks the settings against their schema.</summary>
    /// <exception cref="InvalidSettings">A required setting is missing; the message names it.</exception>
    void ValidateSettings();

    ValueTask<InvocationReport> InvokeAsync(SegmentEvent @event, CancellationToken cancellationToken);

    ValueTask<InvocationReport> InvokeBatchAsync(IReadOnlyList<SegmentEvent> events, CancellationToken cancellationToken);

    /// <summary>Runs the handler; cancelling <paramref name="timeoutToken"/> is its timeout.</summary>
    ValueTask<InvocationReport> InvokeWatchedAsync(SegmentEvent @event, CancellationToken timeoutToken);

    /// <summary>Runs <c>OnBatch</c>; cancelling <paramref name="timeoutToken"/> is its timeout.</summary>
    ValueTask<InvocationReport> InvokeBatchWatchedAsync(IReadOnlyList<SegmentEvent> events, CancellationToken timeoutToken);
}

/// <summary>What one invocation produced: an outcome per event (one for a single event), and its captures.</summary>
internal readonly struct InvocationReport(EventOutcome outcome, IReadOnlyList<EventOutcome>? batchOutcomes, InvocationCapture capture, TimeSpan duration)
{
    /// <summary>The outcome of a single event (for a batch: of its first event).</summary>
    public EventOutcome Outcome { get; } = batchOutcomes is { Count: > 0 } batch ? batch[0] : outcome;

    /// <summary>One outcome per event, by index (a single event's list is made only when asked for).</summary>
    public IReadOnlyList<EventOutcome> Outcomes => batchOutcomes ?? [Outcome];

    public InvocationCapture Capture { get; } = capture;

    public TimeSpan Duration { get; } = duration;
}
