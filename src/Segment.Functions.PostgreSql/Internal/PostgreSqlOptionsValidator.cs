using Microsoft.Extensions.Options;

namespace Segment.Functions.PostgreSql.Internal;

/// <summary>Checks the declared limits of <see cref="PostgreSqlOptions"/> (source-generated from their attributes).</summary>
[OptionsValidator]
internal sealed partial class PostgreSqlOptionsValidator : IValidateOptions<PostgreSqlOptions>
{
}
