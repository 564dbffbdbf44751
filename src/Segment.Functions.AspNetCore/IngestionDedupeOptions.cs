using System.ComponentModel.DataAnnotations;

namespace Segment.Functions.AspNetCore;

/// <summary>
/// Deduplication by <c>messageId</c>, per write key, in front of the host: an event whose
/// <c>messageId</c> was accepted recently from the same write key is dropped (answered as
/// accepted, counted in the <c>segment.functions.ingestion.duplicates</c> metric), as Segment's
/// platform does. SDKs send a batch again when an answer is lost or late, so a retried request is
/// delivered once.
/// </summary>
/// <remarks>
/// The window is kept in memory and bounded both in time and in count; the oldest ids are
/// forgotten first. Events without a <c>messageId</c> get a fresh one and are never duplicates.
/// </remarks>
public sealed class IngestionDedupeOptions
{
    /// <summary>Whether duplicates are dropped.</summary>
    /// <value>true.</value>
    public bool Enabled { get; set; } = true;

    /// <summary>How long an accepted <c>messageId</c> is remembered.</summary>
    /// <value>24 hours, the platform's look-back window; between 1 second and 7 days.</value>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan Window { get; set; } = TimeSpan.FromHours(24);

    /// <summary>The most <c>messageId</c>s remembered per write key (about 150 bytes each).</summary>
    /// <value>100,000; between 1 and 10,000,000.</value>
    [Range(1, 10_000_000)]
    public int MaxMessageIdsPerWriteKey { get; set; } = 100_000;
}
