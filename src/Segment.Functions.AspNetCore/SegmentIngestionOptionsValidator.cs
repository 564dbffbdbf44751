using Microsoft.Extensions.Options;

namespace Segment.Functions;

/// <summary>Checks <see cref="SegmentIngestionOptions"/> at start; every message names the option and its allowed range.</summary>
internal sealed class SegmentIngestionOptionsValidator : IValidateOptions<SegmentIngestionOptions>
{
    public ValidateOptionsResult Validate(string? name, SegmentIngestionOptions options)
    {
        var failures = new List<string>();
        void Check(bool condition, string message)
        {
            if (!condition)
            {
                failures.Add(message);
            }
        }

        Check(options.MaxBatchBytes is >= 1024 and <= 64 * 1024 * 1024, $"SegmentIngestionOptions.MaxBatchBytes must be between 1,024 and 67,108,864 (was {options.MaxBatchBytes}).");
        Check(options.MaxBatchEvents is >= 1 and <= 100_000, $"SegmentIngestionOptions.MaxBatchEvents must be between 1 and 100,000 (was {options.MaxBatchEvents}).");
        Check(options.MaxConcurrentRequests is >= 1 and <= 100_000, $"SegmentIngestionOptions.MaxConcurrentRequests must be between 1 and 100,000 (was {options.MaxConcurrentRequests}).");
        Check(options.MaxWaitForRoom >= TimeSpan.Zero && options.MaxWaitForRoom <= TimeSpan.FromMinutes(1), $"SegmentIngestionOptions.MaxWaitForRoom must be between zero and 1 minute (was {options.MaxWaitForRoom}).");
        Check(options.RetryAfter > TimeSpan.Zero && options.RetryAfter <= TimeSpan.FromHours(1), $"SegmentIngestionOptions.RetryAfter must be more than zero and at most 1 hour (was {options.RetryAfter}).");
        Check(options.WriteKeys.All(k => !string.IsNullOrEmpty(k?.Key)), "SegmentIngestionOptions.WriteKeys must not hold an empty key.");
        if (options.Cors is null)
        {
            failures.Add("SegmentIngestionOptions.Cors must not be null.");
        }
        else
        {
            Check(options.Cors.MaxAge >= TimeSpan.Zero, $"SegmentIngestionOptions.Cors.MaxAge must not be negative (was {options.Cors.MaxAge}).");
            Check(options.Cors.AllowedOrigins.All(o => !string.IsNullOrWhiteSpace(o)), "SegmentIngestionOptions.Cors.AllowedOrigins must not hold an empty origin.");
        }

        if (options.Dedupe is null)
        {
            failures.Add("SegmentIngestionOptions.Dedupe must not be null.");
        }
        else
        {
            Check(options.Dedupe.Window > TimeSpan.Zero && options.Dedupe.Window <= TimeSpan.FromDays(7), $"SegmentIngestionOptions.Dedupe.Window must be more than zero and at most 7 days (was {options.Dedupe.Window}).");
            Check(options.Dedupe.MaxMessageIdsPerWriteKey is >= 1 and <= 10_000_000, $"SegmentIngestionOptions.Dedupe.MaxMessageIdsPerWriteKey must be between 1 and 10,000,000 (was {options.Dedupe.MaxMessageIdsPerWriteKey}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
