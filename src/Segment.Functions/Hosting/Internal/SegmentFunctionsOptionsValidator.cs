using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using Segment.Functions.Batching;

namespace Segment.Functions.Hosting.Internal;

/// <summary>Checks <see cref="SegmentFunctionsOptions"/> when the host starts; every message names the option and its allowed range.</summary>
internal sealed class SegmentFunctionsOptionsValidator : IValidateOptions<SegmentFunctionsOptions>
{
    public ValidateOptionsResult Validate(string? name, SegmentFunctionsOptions options)
    {
        var failures = new List<string>();
        Check(failures, options.QueueCapacity is >= 1 and <= 10_000_000, $"SegmentFunctionsOptions.QueueCapacity must be between 1 and 10,000,000 (was {options.QueueCapacity}).");
        Check(failures, Enum.IsDefined(options.FullMode), $"SegmentFunctionsOptions.FullMode must be Wait or Reject (was {options.FullMode}).");
        Check(failures, options.MaxConcurrency is >= 1 and <= 1024, $"SegmentFunctionsOptions.MaxConcurrency must be between 1 and 1,024 (was {options.MaxConcurrency}).");
        Check(failures, options.ShutdownTimeout >= TimeSpan.Zero && options.ShutdownTimeout <= TimeSpan.FromDays(1), $"SegmentFunctionsOptions.ShutdownTimeout must be between zero and 1 day (was {options.ShutdownTimeout}).");
        Check(failures, options.DeliveryRecordsPerDestination >= 1, $"SegmentFunctionsOptions.DeliveryRecordsPerDestination must be at least 1 (was {options.DeliveryRecordsPerDestination}).");

        if (Check(failures, options.Batching is not null, "SegmentFunctionsOptions.Batching must not be null."))
        {
            var batching = options.Batching!;
            Check(failures, batching.MaxSize is >= 1 and <= BatchingOptions.Limit, $"SegmentFunctionsOptions.Batching.MaxSize must be between 1 and {BatchingOptions.Limit} (was {batching.MaxSize}).");
            Check(failures, batching.MaxWait > TimeSpan.Zero && batching.MaxWait <= TimeSpan.FromHours(1), $"SegmentFunctionsOptions.Batching.MaxWait must be more than zero and at most 1 hour (was {batching.MaxWait}).");
            Check(failures, batching.LowVolumeEventsPerSecond >= 0 && double.IsFinite(batching.LowVolumeEventsPerSecond), $"SegmentFunctionsOptions.Batching.LowVolumeEventsPerSecond must be zero or more (was {batching.LowVolumeEventsPerSecond}).");
        }

        if (Check(failures, options.Health is not null, "SegmentFunctionsOptions.Health must not be null."))
        {
            var health = options.Health!;
            Check(failures, health.Window >= 1, $"SegmentFunctionsOptions.Health.Window must be at least 1 (was {health.Window}).");
            Check(failures, health.MinimumAttempts >= 1 && health.MinimumAttempts <= health.Window, $"SegmentFunctionsOptions.Health.MinimumAttempts must be between 1 and Health.Window (was {health.MinimumAttempts}).");
            Check(failures, health.DegradedFailureRatio is > 0 and <= 1, $"SegmentFunctionsOptions.Health.DegradedFailureRatio must be more than 0 and at most 1 (was {health.DegradedFailureRatio}).");
            Check(failures, health.UnhealthyFailureRatio >= health.DegradedFailureRatio && health.UnhealthyFailureRatio <= 1, $"SegmentFunctionsOptions.Health.UnhealthyFailureRatio must be between Health.DegradedFailureRatio and 1 (was {health.UnhealthyFailureRatio}).");
        }

        Nested(failures, "Invocation", options.Invocation, static o => o.Validate());
        Nested(failures, "Retry", options.Retry, static o => o.Validate());
        Nested(failures, "Cache", options.Cache, static o => Validator.ValidateObject(o, new ValidationContext(o), validateAllProperties: true));
        Nested(failures, "Parsing", options.Parsing, static o => Validator.ValidateObject(o, new ValidationContext(o), validateAllProperties: true));
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool Check(List<string> failures, bool condition, string message)
    {
        if (!condition)
        {
            failures.Add(message);
        }

        return condition;
    }

    // The nested option classes validate themselves (the harness uses the same checks); their messages are prefixed with where they sit.
    private static void Nested<T>(List<string> failures, string property, T? value, Action<T> validate)
        where T : class
    {
        if (value is null)
        {
            failures.Add($"SegmentFunctionsOptions.{property} must not be null.");
            return;
        }

        try
        {
            validate(value);
        }
        catch (Exception e) when (e is ArgumentException or ValidationException)
        {
            failures.Add($"SegmentFunctionsOptions.{property}: {e.Message}");
        }
    }
}
