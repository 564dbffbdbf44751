namespace Segment.Functions.Retries.Internal;

/// <summary>The defaults and limits of <see cref="RetryOptions"/>: one place for the initializers, the docs and the <c>[Range]</c> attributes.</summary>
internal static class RetryConstants
{
    public const string MinDelay = "00:00:00.001";

    public const string MaxDelay = "1.00:00:00";

    public const double DefaultMultiplier = 2.0;

    public const double MinMultiplier = 1.0;

    public const double MaxMultiplier = 10.0;

    public const string MinRetryWindow = "00:00:00.001";

    public const string MaxRetryWindow = "30.00:00:00";

    public static readonly TimeSpan DefaultInitialDelay = TimeSpan.FromSeconds(1);

    public static readonly TimeSpan DefaultMaxDelay = TimeSpan.FromMinutes(10);

    /// <summary>4 hours, as Segment does.</summary>
    public static readonly TimeSpan DefaultRetryWindow = TimeSpan.FromHours(4);
}
