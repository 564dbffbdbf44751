using Segment.Functions.PostgreSql.Internal;

namespace Segment.Functions.PostgreSql.Tests;

public sealed class PostgreSqlOptionsTests
{
    [Test]
    public void Defaults()
    {
        var options = new PostgreSqlOptions();

        Assert.That(options.Schema, Is.EqualTo("segment_functions"));
        Assert.That(options.CommitLinger, Is.EqualTo(TimeSpan.FromMilliseconds(2)));
        Assert.That(options.MaxCommitGroup, Is.EqualTo(1000));
        Assert.That(options.LeaseDuration, Is.EqualTo(TimeSpan.FromSeconds(30)));
        Assert.That(options.PollInterval, Is.EqualTo(TimeSpan.FromSeconds(1)));
        Assert.That(options.Retention, Is.EqualTo(TimeSpan.FromDays(7)));
        Assert.That(options.RetentionBatchSize, Is.EqualTo(10_000));
        Assert.That(options.InstanceId, Does.StartWith($"{Environment.MachineName}:{Environment.ProcessId}:"));
        Assert.That(new PostgreSqlOptionsValidator().Validate(null, options).Succeeded, Is.True);
    }

    [Test]
    public void InstanceId_DefaultsDifferBetweenInstancesOfOneProcess()
    {
        var first = new PostgreSqlOptions();
        var second = new PostgreSqlOptions();

        Assert.That(first.InstanceId, Is.Not.EqualTo(second.InstanceId));
    }

    [TestCase("segment_functions")]
    [TestCase("_s1")]
    [TestCase("abcdefghijklmnopqrstuvwxyz_abcdefghijklmnopqrstu")]
    public void Schema_Identifier_IsAccepted(string schema) =>
        Assert.That(new PostgreSqlOptionsValidator().Validate(null, new PostgreSqlOptions { Schema = schema }).Succeeded, Is.True);

    [TestCase("Segment")]
    [TestCase("1abc")]
    [TestCase("a-b")]
    [TestCase("a\"; DROP TABLE x; --")]
    [TestCase("abcdefghijklmnopqrstuvwxyz_abcdefghijklmnopqrstuv")]
    [TestCase("")]
    public void Schema_NotAnIdentifier_IsRefusedWithTheRule(string schema)
    {
        var result = new PostgreSqlOptionsValidator().Validate(null, new PostgreSqlOptions { Schema = schema });

        Assert.That(result.Failed, Is.True);
        Assert.That(result.FailureMessage, Does.StartWith("Schema: The "));
    }

    [Test]
    public void OutOfRange_IsRefusedNamingEachField()
    {
        var options = new PostgreSqlOptions
        {
            CommitLinger = TimeSpan.FromSeconds(2),
            MaxCommitGroup = 0,
            LeaseDuration = TimeSpan.Zero,
            PollInterval = TimeSpan.FromMilliseconds(1),
            Retention = TimeSpan.FromMinutes(1),
            RetentionBatchSize = 0,
            InstanceId = "",
        };

        var result = new PostgreSqlOptionsValidator().Validate(null, options);

        Assert.That(result.Failed, Is.True);
        Assert.That(result.FailureMessage, Is.EqualTo(
            "CommitLinger: The field PostgreSqlOptions.CommitLinger must be between 00:00:00 and 00:00:01.; " +
            "MaxCommitGroup: The field PostgreSqlOptions.MaxCommitGroup must be between 1 and 100000.; " +
            "LeaseDuration: The field PostgreSqlOptions.LeaseDuration must be between 00:00:01 and 01:00:00.; " +
            "PollInterval: The field PostgreSqlOptions.PollInterval must be between 00:00:00.0100000 and 01:00:00.; " +
            "Retention: The field PostgreSqlOptions.Retention must be between 01:00:00 and 3650.00:00:00.; " +
            "RetentionBatchSize: The field PostgreSqlOptions.RetentionBatchSize must be between 1 and 1000000.; " +
            "InstanceId: The PostgreSqlOptions.InstanceId field is required."));
    }
}
