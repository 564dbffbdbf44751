using Microsoft.Extensions.Options;

namespace Segment.Functions.Hosting.Internal;

/// <summary>
/// Checks the declared limits of <see cref="InvocationOptions"/> (source-generated): used for
/// <see cref="SegmentFunctionsOptions.Invocation"/> by the host and on its own by the test harness.
/// </summary>
[OptionsValidator]
internal sealed partial class InvocationOptionsValidator : IValidateOptions<InvocationOptions>
{
}
