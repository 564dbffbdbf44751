using Segment.Functions.PostgreSql.Schema;
using Segment.Functions.PostgreSql.Tests.Cluster;

namespace Segment.Functions.PostgreSql.Tests.Schema;

public sealed class SchemaMigratorTests : PostgreSqlTest
{
    protected override bool MigrateOnSetUp => false;

    [Test]
    public async Task MigrateAsync_FreshDatabase_CreatesSchemaAndTablesAtLatestVersion()
    {
        var applied = await SchemaMigrator.MigrateAsync(DataSource, Options.Schema, CancellationToken.None);

        Assert.That(applied, Is.EqualTo(Enumerable.Range(1, SchemaMigrator.LatestVersion)));
        Assert.That(await SchemaMigrator.CurrentVersionAsync(DataSource, Options.Schema, CancellationToken.None), Is.EqualTo(SchemaMigrator.LatestVersion));
        var tables = await ScalarAsync<string[]>(
            "SELECT array_agg(table_name::text ORDER BY table_name) FROM information_schema.tables WHERE table_schema = $1", Options.Schema);
        Assert.That(tables, Is.EqualTo(new[] { "deliveries", "records", "schema_version" }));
    }

    [Test]
    public async Task MigrateAsync_RunTwice_SecondRunAppliesNothing()
    {
        await SchemaMigrator.MigrateAsync(DataSource, Options.Schema, CancellationToken.None);

        var second = await SchemaMigrator.MigrateAsync(DataSource, Options.Schema, CancellationToken.None);

        Assert.That(second, Is.Empty);
        Assert.That(await ScalarAsync<long>($"SELECT count(*) FROM {Table("schema_version")}"), Is.EqualTo(SchemaMigrator.LatestVersion));
    }

    [Test]
    public async Task MigrateAsync_FourInstancesAtOnce_AllSucceedAndEachMigrationIsAppliedOnce()
    {
        for (var round = 0; round < 3; round++)
        {
            var schema = NewSchemaName();
            var migrators = Enumerable.Range(0, 4)
                .Select(_ => Task.Run(() => SchemaMigrator.MigrateAsync(DataSource, schema, CancellationToken.None)))
                .ToArray();

            var results = await Task.WhenAll(migrators).WaitAsync(Timeout);

            Assert.That(results.Sum(applied => applied.Count), Is.EqualTo(SchemaMigrator.LatestVersion), "each migration is applied by exactly one instance");
            Assert.That(await ScalarAsync<long>($"SELECT count(*) FROM \"{schema}\".schema_version"), Is.EqualTo(SchemaMigrator.LatestVersion));
        }
    }

    [Test]
    public async Task CurrentVersionAsync_NoSchema_IsZero() =>
        Assert.That(await SchemaMigrator.CurrentVersionAsync(DataSource, Options.Schema, CancellationToken.None), Is.Zero);

    [Test]
    public void MigrateAsync_SchemaNameThatIsNotAnIdentifier_ThrowsNamingTheRule()
    {
        var exception = Assert.ThrowsAsync<ArgumentException>(() => SchemaMigrator.MigrateAsync(DataSource, "bad\"; DROP", CancellationToken.None));

        Assert.That(exception!.Message, Does.StartWith("The field Schema must be a PostgreSQL identifier"));
    }
}
