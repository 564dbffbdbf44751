using Segment.Functions.Delivery;
using Segment.Functions.Pipeline.Internal;

namespace Segment.Functions.PostgreSql.Queue;

/// <summary>
/// The outcome of one claimed attempt, to be written: a terminal record (delivered, discarded,
/// expired) removes the delivery row; a <see cref="DeliveryState.Retrying"/> record puts the row back,
/// due at the record's <see cref="DeliveryRecord.NextAttemptAt"/>.
/// </summary>
/// <param name="Lease">The claim the attempt ran under.</param>
/// <param name="Record">The record to write; its <see cref="DeliveryRecord.Sequence"/> is replaced by the lease's row id.</param>
internal sealed record Completion(JournalLease Lease, DeliveryRecord Record)
{
    /// <summary>Checks that a retry says when; throws naming the delivery otherwise.</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Record);
        if (!Record.IsTerminal && Record.NextAttemptAt is null)
        {
            throw new ArgumentException(
                $"The Retrying record of delivery {Lease.Id} has no NextAttemptAt: a retry needs the time it falls due.", nameof(Record));
        }
    }
}

/// <summary>What became of a completion.</summary>
internal enum CompletionResult
{
    /// <summary>Written: the record is stored and the row removed (terminal) or due again (retry).</summary>
    Completed,

    /// <summary>
    /// Not written: this instance no longer held the lease (it expired and another claim took the row,
    /// or the row was already completed). The other claim's attempt decides the outcome; no second
    /// terminal record is written.
    /// </summary>
    LeaseLost,
}
