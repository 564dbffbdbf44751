using Segment.Functions.Delivery;
using Segment.Functions.Hosting;

namespace Segment.Functions.Pipeline.Internal;

/// <summary>
/// Durable storage of accepted events, shared by every instance of an application: what a
/// <see cref="DurableDeliveryQueue"/> keeps its events in instead of memory. An event is appended once
/// for all the destinations it was routed to; each destination's queue claims due events under leases,
/// renews them while they run, and completes each claim with its record in one commit. Retries are due
/// times kept by the journal, and a claim whose instance died is due again when its lease runs out.
/// Implemented by a storage package (<c>Segment.Functions.PostgreSql</c>); every member is thread-safe.
/// </summary>
internal interface IDeliveryJournal
{
    /// <summary>How long a claim is held without renewal.</summary>
    TimeSpan LeaseDuration { get; }

    /// <summary>The longest an idle destination waits before it looks for due events again.</summary>
    TimeSpan PollInterval { get; }

    /// <summary>Prepares the storage (creates or migrates its schema) and starts listening; the host starts its destinations after it.</summary>
    /// <param name="destinations">The names whose status and counts the host will ask for.</param>
    /// <param name="cancellationToken">Stops waiting for the database.</param>
    Task StartAsync(IReadOnlyCollection<string> destinations, CancellationToken cancellationToken);

    /// <summary>Commits what was handed in and stops; called once every destination has stopped.</summary>
    Task StopAsync(CancellationToken cancellationToken);

    /// <summary>Stores the events (all or none, one row per destination) and completes once they are committed.</summary>
    /// <exception cref="OperationCanceledException">Cancelled before the commit started: nothing was stored.</exception>
    /// <exception cref="Exception">The commit failed: nothing was stored.</exception>
    ValueTask AppendAsync(IReadOnlyList<JournalEntry> entries, CancellationToken cancellationToken);

    /// <summary>Claims up to <paramref name="max"/> due events of the destination for this instance, oldest due first; each claim counts an attempt.</summary>
    Task<IReadOnlyList<JournalClaim>> ClaimAsync(string destination, int max, CancellationToken cancellationToken);

    /// <summary>Extends the leases this instance still holds; returns the ids of those renewed (a missing one was lost).</summary>
    Task<IReadOnlySet<long>> RenewAsync(IReadOnlyCollection<JournalLease> leases, CancellationToken cancellationToken);

    /// <summary>Gives back claims that were never started, due at once for any instance (a stopping instance's).</summary>
    Task ReleaseAsync(IReadOnlyCollection<JournalLease> leases, CancellationToken cancellationToken);

    /// <summary>
    /// Completes a claim with the record of its attempt: a terminal record ends the delivery, a Retrying
    /// one makes it due at <see cref="DeliveryRecord.NextAttemptAt"/>. Completions of concurrent callers
    /// share commits.
    /// </summary>
    /// <returns>True when written; false when the lease was lost (another claim decides the outcome).</returns>
    Task<bool> CompleteAsync(JournalLease lease, DeliveryRecord record, CancellationToken cancellationToken);

    /// <summary>A task that completes when new events for the destination may have been committed; take it before claiming.</summary>
    Task NextWakeUp(string destination);

    /// <summary>Waits for <paramref name="wakeUp"/>, for the destination's next due event, or for <see cref="PollInterval"/>, whichever comes first.</summary>
    Task WaitAsync(string destination, Task wakeUp, CancellationToken cancellationToken);

    /// <summary>Whether the destination has anything left to deliver, on any instance (queued, claimed, or waiting for a retry).</summary>
    Task<bool> HasPendingAsync(string destination, CancellationToken cancellationToken);

    /// <summary>What the destination holds across instances, as last read (refreshed every <see cref="PollInterval"/>).</summary>
    DestinationStatus Status(string destination);

    /// <summary>The destination's counts across instances, as last read (refreshed every <see cref="PollInterval"/>).</summary>
    DeliveryCounts Counts(string destination);

    /// <summary>Reads <see cref="Status"/> and <see cref="Counts"/> again now.</summary>
    Task RefreshAsync(CancellationToken cancellationToken);
}

/// <summary>One accepted event and the destinations it was routed to.</summary>
/// <param name="Body">The event's UTF-8 JSON.</param>
/// <param name="MessageId">Its <c>messageId</c> (empty when it has none).</param>
/// <param name="EventType">Its type.</param>
/// <param name="Destinations">The destinations that take it (decided once, at acceptance).</param>
internal sealed record JournalEntry(ReadOnlyMemory<byte> Body, string MessageId, string EventType, IReadOnlyList<string> Destinations);

/// <summary>
/// One claim of one delivery: its id and the attempt number the claim gave it. Every claim adds one to
/// the delivery's attempts, so the pair tells this claim apart from any later claim of the same delivery
/// (by another instance, or by this one after its lease expired): a renewal or a completion applies only
/// while the delivery still carries this pair and this instance's name.
/// </summary>
/// <param name="Id">The delivery's id (its records' sequence).</param>
/// <param name="Attempt">The delivery's attempts after this claim.</param>
internal readonly record struct JournalLease(long Id, int Attempt);

/// <summary>An event claimed for an attempt at one destination.</summary>
/// <param name="Lease">The claim.</param>
/// <param name="Body">The event's UTF-8 JSON as accepted.</param>
/// <param name="AcceptedAt">When it was accepted.</param>
/// <param name="FirstAttemptAt">When its first attempt started (the retry window counts from here, across restarts).</param>
internal sealed record JournalClaim(JournalLease Lease, byte[] Body, DateTimeOffset AcceptedAt, DateTimeOffset FirstAttemptAt);
