using System.Globalization;
using System.Security.Cryptography;

namespace Segment.Functions.PostgreSql.Internal;

/// <summary>The defaults and limits of <see cref="PostgreSqlOptions"/>: one place for the initializers, the docs and the attributes.</summary>
internal static class PostgreSqlConstants
{
    public const string DefaultSchema = "segment_functions";

    // 48 characters leave room for the notification channel's suffix within PostgreSQL's 63-byte names.
    public const string SchemaPattern = "^[a-z_][a-z0-9_]{0,47}$";

    public const string SchemaPatternMessage =
        "The field Schema must be a PostgreSQL identifier: lower-case letters, digits and underscores, starting with a letter or an underscore, at most 48 characters.";

    public const int DefaultMaxCommitGroup = 1000;

    public const int MaxMaxCommitGroup = 100_000;

    public const int DefaultRetentionBatchSize = 10_000;

    public const int MaxRetentionBatchSize = 1_000_000;

    public const int MaxInstanceIdLength = 200;

    // Attribute arguments must be constants, so the TimeSpan bounds are written as TimeSpan strings.
    public const string MinCommitLinger = "00:00:00";

    public const string MaxCommitLinger = "00:00:01";

    public const string MinLeaseDuration = "00:00:01";

    public const string MaxLeaseDuration = "01:00:00";

    public const string MinPollInterval = "00:00:00.010";

    public const string MaxPollInterval = "01:00:00";

    public const string MinRetention = "01:00:00";

    public const string MaxRetention = "3650.00:00:00";

    public static readonly TimeSpan DefaultCommitLinger = TimeSpan.FromMilliseconds(2);

    public static readonly TimeSpan DefaultLeaseDuration = TimeSpan.FromSeconds(30);

    public static readonly TimeSpan DefaultPollInterval = TimeSpan.FromSeconds(1);

    public static readonly TimeSpan DefaultRetention = TimeSpan.FromDays(7);

    /// <summary>How often the retention sweeper runs.</summary>
    public static readonly TimeSpan RetentionSweepInterval = TimeSpan.FromHours(1);

    /// <summary>The default <see cref="PostgreSqlOptions.InstanceId"/>: readable (machine, process) and unique (a random suffix, for containers that all run as pid 1).</summary>
    public static string NewInstanceId() =>
        string.Create(CultureInfo.InvariantCulture, $"{Environment.MachineName}:{Environment.ProcessId}:{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3))}");
}
