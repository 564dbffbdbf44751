using Segment.Functions.PostgreSql.Tests.Cluster;

// In the root namespace of the tests, so it wraps every test of the assembly.
namespace Segment.Functions.PostgreSql.Tests;

/// <summary>One throwaway PostgreSQL server for the whole test run: started before the first test, stopped and deleted after the last (also when tests fail).</summary>
[SetUpFixture]
public sealed class ClusterSetUp
{
    private static PostgreSqlCluster? s_cluster;

    /// <summary>The running cluster.</summary>
    public static PostgreSqlCluster Cluster => s_cluster ?? throw new InvalidOperationException("The PostgreSQL test cluster is not started.");

    [OneTimeSetUp]
    public void StartCluster() => s_cluster = PostgreSqlCluster.Start();

    [OneTimeTearDown]
    public void StopCluster()
    {
        s_cluster?.Dispose();
        s_cluster = null;
    }
}
