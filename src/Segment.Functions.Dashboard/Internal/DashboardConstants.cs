namespace Segment.Functions.Dashboard.Internal;

internal static class DashboardConstants
{
    public const int DefaultPageSize = 25;
    public const int MinPageSize = 5;
    public const int MaxPageSize = 500;

    public static readonly TimeSpan DefaultRefreshInterval = TimeSpan.FromSeconds(10);
    public const string MinRefresh = "00:00:02";
    public const string MaxRefresh = "01:00:00";

    public const int DefaultRecordsRead = 10_000;
    public const int MinRecordsRead = 100;
    public const int MaxRecordsRead = 1_000_000;

    /// <summary>
    /// No script at all (the pages work without one), styles only from the embedded stylesheet, forms
    /// only back to the dashboard, and no framing: event content is attacker-controlled.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
}
