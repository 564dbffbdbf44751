using Microsoft.Extensions.Options;

namespace Segment.Functions.AspNetCore.Internal;

/// <summary>
/// The rule of <see cref="SegmentIngestionOptions"/> that spans entries: a write key listed twice
/// (which one would win is unclear). The message names the positions, never the key: keys are secrets.
/// </summary>
internal sealed class SegmentIngestionOptionsCustomValidator : IValidateOptions<SegmentIngestionOptions>
{
    public ValidateOptionsResult Validate(string? name, SegmentIngestionOptions options)
    {
        var builder = new ValidateOptionsResultBuilder();
        var firstIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < options.WriteKeys.Count; i++)
        {
            var key = options.WriteKeys[i]?.Key;
            if (string.IsNullOrEmpty(key))
            {
                continue; // reported by the generated validator ([Required])
            }

            if (!firstIndex.TryAdd(key, i))
            {
                builder.AddError(FormattableString.Invariant($"SegmentIngestionOptions.WriteKeys[{i}].Key repeats the key of SegmentIngestionOptions.WriteKeys[{firstIndex[key]}]; list each write key once (merge their Destinations)."));
            }
        }

        return builder.Build();
    }
}
