using Microsoft.Extensions.Options;

namespace Segment.Functions.Hosting.Internal;

/// <summary>
/// The rules of <see cref="SegmentFunctionsOptions"/> that span two fields, which attributes cannot
/// say. Each message names both options and the values found.
/// </summary>
internal sealed class SegmentFunctionsOptionsCustomValidator : IValidateOptions<SegmentFunctionsOptions>
{
    public ValidateOptionsResult Validate(string? name, SegmentFunctionsOptions options)
    {
        // A null nested option is reported by the generated validator ([Required]).
        var builder = new ValidateOptionsResultBuilder();
        if (options.Retry is { } retry && retry.MaxDelay < retry.InitialDelay)
        {
            builder.AddError(FormattableString.Invariant($"SegmentFunctionsOptions.Retry.MaxDelay ({retry.MaxDelay}) must be at least SegmentFunctionsOptions.Retry.InitialDelay ({retry.InitialDelay})."));
        }

        if (options.Health is { } health)
        {
            if (health.MinimumAttempts > health.Window)
            {
                builder.AddError(FormattableString.Invariant($"SegmentFunctionsOptions.Health.MinimumAttempts ({health.MinimumAttempts}) must be at most SegmentFunctionsOptions.Health.Window ({health.Window})."));
            }

            if (health.UnhealthyFailureRatio < health.DegradedFailureRatio)
            {
                builder.AddError(FormattableString.Invariant($"SegmentFunctionsOptions.Health.UnhealthyFailureRatio ({health.UnhealthyFailureRatio}) must be at least SegmentFunctionsOptions.Health.DegradedFailureRatio ({health.DegradedFailureRatio})."));
            }
        }

        return builder.Build();
    }
}
