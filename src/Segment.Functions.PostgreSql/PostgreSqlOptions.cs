using System.ComponentModel.DataAnnotations;
using Segment.Functions.PostgreSql.Internal;

namespace Segment.Functions.PostgreSql;

/// <summary>
/// Options of durable delivery on PostgreSQL: where its tables live, how accepted events are
/// committed in groups, how long a claim is held, and how long delivery records are kept. They are
/// checked when the host starts, and a bad value stops it with a message naming the option.
/// </summary>
public sealed class PostgreSqlOptions
{
    /// <summary>
    /// The schema that holds the tables (created on start when missing). Several applications can share
    /// one database by picking different schemas; instances of one application share one schema.
    /// </summary>
    /// <value><c>segment_functions</c>; lower-case letters, digits and underscores, starting with a letter or an underscore, at most 48 characters.</value>
    [Required]
    [RegularExpression(PostgreSqlConstants.SchemaPattern, ErrorMessage = PostgreSqlConstants.SchemaPatternMessage)]
    public string Schema { get; set; } = PostgreSqlConstants.DefaultSchema;

    /// <summary>
    /// How long the first of several concurrent writes waits for others to join its transaction.
    /// Events accepted within this time (or until <see cref="MaxCommitGroup"/> rows) share one commit,
    /// so durability costs one disk flush per group rather than one per event.
    /// </summary>
    /// <value>2 milliseconds; between zero (no wait: a group is what arrived while the previous commit ran) and 1 second.</value>
    [Range(typeof(TimeSpan), PostgreSqlConstants.MinCommitLinger, PostgreSqlConstants.MaxCommitLinger)]
    public TimeSpan CommitLinger { get; set; } = PostgreSqlConstants.DefaultCommitLinger;

    /// <summary>The most rows one grouped commit writes (an event routed to several destinations is one row per destination, never split).</summary>
    /// <value>1,000; between 1 and 100,000.</value>
    [Range(1, PostgreSqlConstants.MaxMaxCommitGroup)]
    public int MaxCommitGroup { get; set; } = PostgreSqlConstants.DefaultMaxCommitGroup;

    /// <summary>
    /// How long a claimed event stays reserved for the instance that claimed it. The instance renews
    /// the lease while the handler runs; when an instance dies, its events become claimable by others
    /// once their leases expire, so this is also how late a crashed instance's events are taken over.
    /// </summary>
    /// <value>30 seconds; between 1 second and 1 hour.</value>
    [Range(typeof(TimeSpan), PostgreSqlConstants.MinLeaseDuration, PostgreSqlConstants.MaxLeaseDuration)]
    public TimeSpan LeaseDuration { get; set; } = PostgreSqlConstants.DefaultLeaseDuration;

    /// <summary>
    /// How often an idle destination looks for due events when no notification arrives (a lost
    /// connection, or a retry falling due). New events wake it at once through <c>LISTEN/NOTIFY</c>.
    /// </summary>
    /// <value>1 second; between 10 milliseconds and 1 hour.</value>
    [Range(typeof(TimeSpan), PostgreSqlConstants.MinPollInterval, PostgreSqlConstants.MaxPollInterval)]
    public TimeSpan PollInterval { get; set; } = PostgreSqlConstants.DefaultPollInterval;

    /// <summary>How long delivery records are kept after their last attempt; older ones are deleted in batches, once an hour.</summary>
    /// <value>7 days; between 1 hour and 3,650 days.</value>
    [Range(typeof(TimeSpan), PostgreSqlConstants.MinRetention, PostgreSqlConstants.MaxRetention)]
    public TimeSpan Retention { get; set; } = PostgreSqlConstants.DefaultRetention;

    /// <summary>How many records one retention statement deletes (small statements keep locks and WAL bursts short).</summary>
    /// <value>10,000; between 1 and 1,000,000.</value>
    [Range(1, PostgreSqlConstants.MaxRetentionBatchSize)]
    public int RetentionBatchSize { get; set; } = PostgreSqlConstants.DefaultRetentionBatchSize;

    /// <summary>
    /// The name this application instance holds its leases under; unique per running instance (two
    /// instances with one name would complete each other's claims).
    /// </summary>
    /// <value>The machine name, the process id and a random suffix, e.g. <c>web-1:4242:9f3a1c</c>; 1 to 200 characters.</value>
    [Required]
    [StringLength(PostgreSqlConstants.MaxInstanceIdLength, MinimumLength = 1)]
    public string InstanceId { get; set; } = PostgreSqlConstants.NewInstanceId();
}
