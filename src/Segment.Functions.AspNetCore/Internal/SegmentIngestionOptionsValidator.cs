using Microsoft.Extensions.Options;

namespace Segment.Functions.AspNetCore.Internal;

/// <summary>Checks the declared limits of <see cref="SegmentIngestionOptions"/> and of each write key (source-generated from their attributes).</summary>
[OptionsValidator]
internal sealed partial class SegmentIngestionOptionsValidator : IValidateOptions<SegmentIngestionOptions>
{
}
