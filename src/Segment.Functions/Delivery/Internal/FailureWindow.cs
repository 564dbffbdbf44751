namespace Segment.Functions.Delivery.Internal;

/// <summary>The outcomes of a destination's most recent attempts, as a ring of pass/fail marks, for its health check.</summary>
internal sealed class FailureWindow
{
    private readonly Lock _gate = new();
    private readonly bool[] _failed;
    private int _next;
    private int _count;
    private int _failures;

    public FailureWindow(int size) => _failed = new bool[size];

    /// <summary>Whether an outcome counts against the destination (rather than against the event).</summary>
    public static bool IsFailure(EventOutcome outcome) => outcome.Kind switch
    {
        OutcomeKind.Delivered => false,
        OutcomeKind.Discarded => outcome.Reason is OutcomeReason.UnknownError or OutcomeReason.InvalidSettings or OutcomeReason.Timeout,
        _ => true,
    };

    public void Add(bool failed)
    {
        lock (_gate)
        {
            if (_count == _failed.Length)
            {
                _failures -= _failed[_next] ? 1 : 0;
            }
            else
            {
                _count++;
            }

            _failed[_next] = failed;
            _failures += failed ? 1 : 0;
            _next = (_next + 1) % _failed.Length;
        }
    }

    /// <summary>Attempts in the window, and how many of them failed.</summary>
    public (int Attempts, int Failures) Snapshot()
    {
        lock (_gate)
        {
            return (_count, _failures);
        }
    }
}
