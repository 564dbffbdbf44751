using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Npgsql;
using Segment.Functions.Delivery;
using Segment.Functions.Hosting;
using Segment.Functions.Pipeline.Internal;
using Segment.Functions.PostgreSql;
using Segment.Functions.PostgreSql.Internal;
using Segment.Functions.PostgreSql.Journal;
using Segment.Functions.PostgreSql.Records;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Keeps the host's events, retries and delivery records in PostgreSQL.</summary>
public static class PostgreSqlSegmentFunctionsBuilderExtensions
{
    /// <summary>
    /// Makes delivery durable on PostgreSQL: an event is accepted only once it is committed for every
    /// destination it was routed to; workers claim due events under leases (several app instances can
    /// share one database and split the work); retries are due times in the database; every outcome is
    /// recorded in the same commit that completes its claim, and <see cref="IDeliveryStore"/>,
    /// <c>GetCounts</c> and <c>GetStatus</c> read across instances. The schema is created or migrated
    /// when the host starts (safe with several instances starting at once).
    /// </summary>
    /// <param name="builder">The builder <c>AddSegmentFunctions</c> returned.</param>
    /// <param name="connectionString">An Npgsql connection string, e.g. <c>Host=db;Database=app;Username=app;Password=…</c>. Its password is never logged.</param>
    /// <param name="configure">Sets <see cref="PostgreSqlOptions"/>; they are checked when the host starts.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException">The connection string is empty or not a valid Npgsql connection string.</exception>
    public static SegmentFunctionsBuilder UsePostgreSql(this SegmentFunctionsBuilder builder, string connectionString, Action<PostgreSqlOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        NpgsqlDataSource dataSource;
        try
        {
            dataSource = NpgsqlDataSource.Create(connectionString);
        }
        catch (ArgumentException exception)
        {
            // Npgsql's message names the bad keyword; the string itself (and its password) is not repeated.
            throw new ArgumentException($"The PostgreSQL connection string is not valid: {exception.Message}", nameof(connectionString));
        }

        return Register(builder, new PostgreSqlDataSourceHolder(dataSource, owned: true), configure);
    }

    /// <summary>
    /// Makes delivery durable on PostgreSQL through a data source you built (and keep: it is not
    /// disposed with the host); see <see cref="UsePostgreSql(SegmentFunctionsBuilder, string, Action{PostgreSqlOptions}?)"/>.
    /// </summary>
    /// <param name="builder">The builder <c>AddSegmentFunctions</c> returned.</param>
    /// <param name="dataSource">The data source; durable delivery keeps a few connections of its pool busy (one listening, one per running claim or commit).</param>
    /// <param name="configure">Sets <see cref="PostgreSqlOptions"/>; they are checked when the host starts.</param>
    /// <returns>The builder.</returns>
    public static SegmentFunctionsBuilder UsePostgreSql(this SegmentFunctionsBuilder builder, NpgsqlDataSource dataSource, Action<PostgreSqlOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(dataSource);
        return Register(builder, new PostgreSqlDataSourceHolder(dataSource, owned: false), configure);
    }

    private static SegmentFunctionsBuilder Register(SegmentFunctionsBuilder builder, PostgreSqlDataSourceHolder dataSource, Action<PostgreSqlOptions>? configure)
    {
        var services = builder.Services;
        if (services.Any(d => d.ServiceType == typeof(PostgreSqlDataSourceHolder)))
        {
            throw new InvalidOperationException("UsePostgreSql was already called: a host keeps its events in one database.");
        }

        var options = services.AddOptionsWithValidateOnStart<PostgreSqlOptions, PostgreSqlOptionsValidator>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.AddMetrics();
        // From a factory, so the container disposes it (the holder disposes only a data source built here).
        services.AddSingleton(_ => dataSource);
        services.TryAddSingleton<PostgreSqlTelemetry>();
        services.AddSingleton<PostgreSqlJournal>();
        services.AddSingleton<IDeliveryJournal>(static sp => sp.GetRequiredService<PostgreSqlJournal>());
        // Records live in the database; this replaces the in-memory store AddSegmentFunctions registered.
        services.Replace(ServiceDescriptor.Singleton<IDeliveryStore, PostgreSqlDeliveryStore>());
        return builder;
    }
}
