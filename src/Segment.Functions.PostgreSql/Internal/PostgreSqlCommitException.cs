namespace Segment.Functions.PostgreSql.Internal;

/// <summary>
/// A grouped commit failed: nothing of its group was stored (it was one transaction), and every caller
/// in the group gets this exception. For a write, the events were not accepted: answer the sender with
/// a retryable error so it sends them again.
/// </summary>
internal sealed class PostgreSqlCommitException(string operation, int callers, int rows, Exception inner)
    : Exception(
        $"The grouped PostgreSQL commit ({operation}) of {rows} row(s) from {callers} caller(s) failed and stored none of them; " +
        $"the callers' work was not saved and may be submitted again. Cause: {inner.Message}",
        inner)
{
    /// <summary>What was committed: <c>enqueue</c> or <c>complete</c>.</summary>
    public string Operation { get; } = operation;
}
