namespace Segment.Functions.PostgreSql.Tests.Cluster;

public sealed class PostgreSqlClusterTests
{
    [Test]
    public void Start_NoBinariesInstalled_FailsSayingHowToInstallThem()
    {
        var exception = Assert.Throws<InvalidOperationException>(() => PostgreSqlCluster.Start(installRoot: "/nonexistent/postgresql"));

        Assert.That(exception!.Message, Is.EqualTo(
            "PostgreSQL server binaries not found: install them with `apt-get install postgresql` (./test.sh does this)."));
    }

    [Test]
    public async Task Cluster_ListensOnLoopbackWithDurableCommits()
    {
        await using var dataSource = ClusterSetUp.Cluster.CreateDataSource();
        await using var command = dataSource.CreateCommand("SELECT current_setting('listen_addresses') || ' ' || current_setting('fsync') || ' ' || current_setting('synchronous_commit')");

        Assert.That(await command.ExecuteScalarAsync(), Is.EqualTo("127.0.0.1 on on"));
    }
}
