using Microsoft.Extensions.Options;

namespace Segment.Functions.Hosting.Internal;

/// <summary>
/// Checks the declared limits of <see cref="SegmentFunctionsOptions"/> and of the options nested in it
/// (source-generated from their <c>[Range]</c>, <c>[Required]</c> and <c>[ValidateObjectMembers]</c>).
/// Rules that span two fields are in <see cref="SegmentFunctionsOptionsCustomValidator"/>.
/// </summary>
[OptionsValidator]
internal sealed partial class SegmentFunctionsOptionsValidator : IValidateOptions<SegmentFunctionsOptions>
{
}
