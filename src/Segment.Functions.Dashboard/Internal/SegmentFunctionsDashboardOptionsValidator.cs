using Microsoft.Extensions.Options;

namespace Segment.Functions.Dashboard.Internal;

/// <summary>Checks the declared limits of <see cref="SegmentFunctionsDashboardOptions"/> (source-generated from their attributes).</summary>
[OptionsValidator]
internal sealed partial class SegmentFunctionsDashboardOptionsValidator : IValidateOptions<SegmentFunctionsDashboardOptions>
{
}
