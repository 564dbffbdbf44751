using Jint;

namespace Segment.Functions.JavaScript.Internal;

/// <summary>
/// The per-invocation limits Jint checks while script runs: the invocation's cancellation (the host's
/// timeout) and the script-time budget (<see cref="JavaScriptOptions.MaxScriptTime"/>), summed over every
/// synchronous slice the invocation runs and not refunded between them, as Jint's own timeout would be.
/// </summary>
/// <remarks>
/// Script time is read from the real clock on purpose, not from the host's <see cref="TimeProvider"/>:
/// it measures work done, so a runaway loop stops under a fake clock too. Nothing waits on it.
/// </remarks>
internal sealed class ScriptBudget : Constraint
{
    private long _budget = long.MaxValue;
    private long _used;
    private long _sliceStart;
    private CancellationToken _token;

    /// <summary>The checks only read a clock and a token, so Jint may run them every few statements.</summary>
    public override bool IsAmortizable => true;

    public void Begin(TimeSpan budget, CancellationToken token)
    {
        _budget = (long)(budget.TotalSeconds * TimeProvider.System.TimestampFrequency);
        _used = 0;
        _token = token;
    }

    public void End()
    {
        _budget = long.MaxValue;
        _token = default;
    }

    public void StartSlice() => _sliceStart = TimeProvider.System.GetTimestamp();

    public void EndSlice()
    {
        _used += TimeProvider.System.GetTimestamp() - _sliceStart;
        _sliceStart = 0;
    }

    public override void Check()
    {
        _token.ThrowIfCancellationRequested();
        if (_sliceStart != 0 && _used + TimeProvider.System.GetTimestamp() - _sliceStart > _budget)
        {
            throw new ScriptTimeExceededException();
        }
    }

    /// <summary>Jint resets constraints at every entry; this budget spans the whole invocation, so it does not.</summary>
    public override void Reset()
    {
    }
}

/// <summary>Thrown inside the engine when an invocation used up its script time.</summary>
internal sealed class ScriptTimeExceededException : Exception
{
}
