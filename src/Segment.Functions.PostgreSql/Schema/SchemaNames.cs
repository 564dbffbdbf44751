using System.Text.RegularExpressions;
using Segment.Functions.PostgreSql.Internal;

namespace Segment.Functions.PostgreSql.Schema;

/// <summary>
/// The quoted, schema-qualified names every statement uses, and the notification channel. The schema
/// is checked against <see cref="PostgreSqlConstants.SchemaPattern"/> here too, because it is pasted
/// into SQL text (identifiers cannot be parameters).
/// </summary>
internal sealed partial class SchemaNames
{
    public SchemaNames(string schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        if (!SchemaRegex().IsMatch(schema))
        {
            throw new ArgumentException(PostgreSqlConstants.SchemaPatternMessage + $" Got '{schema}'.", nameof(schema));
        }

        Schema = schema;
        Quoted = $"\"{schema}\"";
        Deliveries = $"{Quoted}.deliveries";
        Records = $"{Quoted}.records";
        SchemaVersion = $"{Quoted}.schema_version";
        Channel = schema + "_deliveries";
    }

    /// <summary>The schema's name as configured.</summary>
    public string Schema { get; }

    /// <summary>The schema's name quoted for SQL.</summary>
    public string Quoted { get; }

    /// <summary>Events waiting for, or in, an attempt at one destination (one row per event and destination).</summary>
    public string Deliveries { get; }

    /// <summary>Delivery records: every retry and the one terminal outcome of each delivery.</summary>
    public string Records { get; }

    /// <summary>The migrations applied to the schema.</summary>
    public string SchemaVersion { get; }

    /// <summary>The <c>LISTEN/NOTIFY</c> channel; the payload is the destination that has new events.</summary>
    public string Channel { get; }

    [GeneratedRegex(PostgreSqlConstants.SchemaPattern)]
    private static partial Regex SchemaRegex();
}
