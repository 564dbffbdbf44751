using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Segment.Functions.Delivery;
using Segment.Functions.PostgreSql.Tests.Cluster;
using Segment.Functions.Tests.Hosting;

namespace Segment.Functions.PostgreSql.Tests.Hosting;

/// <summary>The registration: what it replaces, and what it refuses with a message saying what to do.</summary>
public sealed class UsePostgreSqlTests : PostgreSqlTest
{
    protected override bool MigrateOnSetUp => false;

    [Test]
    public void InvalidConnectionString_IsRefusedWithoutRepeatingIt()
    {
        var builder = new ServiceCollection().AddSegmentFunctions();

        var error = Assert.Throws<ArgumentException>(() => builder.UsePostgreSql("Host=db;Password=s3cr3t-pw;Nonsense Keyword=1"));

        Assert.That(error!.Message, Does.StartWith("The PostgreSQL connection string is not valid").And.Not.Contain("s3cr3t-pw"));
    }

    [Test]
    public void CalledTwice_IsRefused()
    {
        var builder = new ServiceCollection().AddSegmentFunctions().UsePostgreSql(DataSource);

        var error = Assert.Throws<InvalidOperationException>(() => builder.UsePostgreSql(DataSource));

        Assert.That(error!.Message, Does.Contain("UsePostgreSql was already called"));
    }

    [Test]
    public void ReplacesTheInMemoryStore()
    {
        var services = new ServiceCollection();
        services.AddSegmentFunctions().UsePostgreSql(DataSource);
        using var provider = services.BuildServiceProvider();

        Assert.That(provider.GetRequiredService<IDeliveryStore>().GetType().Name, Is.EqualTo("PostgreSqlDeliveryStore"));
        Assert.That(services.Count(d => d.ServiceType == typeof(IDeliveryStore)), Is.EqualTo(1));
    }

    [Test]
    public void BadOptions_StopTheStartNamingTheOption()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddSegmentFunctions()
            .AddDestination<ProbeFunction, ProbeSettings>("A", _ => { })
            .UsePostgreSql(DataSource, o => o.Schema = "Not-An-Identifier");
        using var host = builder.Build();

        var error = Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.That(error!.Message, Does.Contain("Schema"));
    }

    [Test]
    public void ServerUnreachable_TheStartFailsSayingWhatToCheck()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        // Another port than the cluster's, with a user no server there knows: the connection fails either way.
        var port = new Npgsql.NpgsqlConnectionStringBuilder(DataSource.ConnectionString).Port + 1;
        builder.Services.AddSegmentFunctions()
            .AddDestination<ProbeFunction, ProbeSettings>("A", _ => { })
            .UsePostgreSql($"Host=127.0.0.1;Port={port};Username=nobody;Password=pw-7d2e;Timeout=2");
        using var host = builder.Build();

        var error = Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());

        Assert.That(error!.Message, Does.StartWith("Segment.Functions could not create or migrate its schema \"segment_functions\" in PostgreSQL").And.Not.Contain("pw-7d2e"));
        Assert.That(error.Message, Does.Contain("UsePostgreSql"));
    }

    [Test]
    public async Task Start_CreatesTheSchema()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddSegmentFunctions()
            .AddDestination<ProbeFunction, ProbeSettings>("A", _ => { })
            .UsePostgreSql(DataSource, o => o.Schema = Options.Schema);
        using var host = builder.Build();

        await host.StartAsync();
        var version = await PostgreSql.Schema.SchemaMigrator.CurrentVersionAsync(DataSource, Options.Schema, CancellationToken.None);
        await host.StopAsync();

        Assert.That(version, Is.EqualTo(PostgreSql.Schema.SchemaMigrator.LatestVersion));
    }
}
