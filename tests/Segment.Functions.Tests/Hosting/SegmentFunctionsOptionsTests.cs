using Microsoft.Extensions.Options;
using Segment.Functions.Hosting;
using Segment.Functions.Hosting.Internal;

namespace Segment.Functions.Tests.Hosting;

public sealed class SegmentFunctionsOptionsTests
{
    [Test]
    public void Ctor_Defaults_AreTheDocumentedValues()
    {
        var options = new SegmentFunctionsOptions();

        Assert.Multiple(() =>
        {
            Assert.That(options.QueueCapacity, Is.EqualTo(10_000));
            Assert.That(options.FullMode, Is.EqualTo(QueueFullMode.Wait));
            Assert.That(options.MaxConcurrency, Is.EqualTo(4));
            Assert.That(options.ShutdownTimeout, Is.EqualTo(TimeSpan.FromSeconds(30)));
            Assert.That(options.DeliveryRecordsPerDestination, Is.EqualTo(10_000));
            Assert.That(options.Parsing, Is.Not.Null);
            Assert.That(options.Invocation, Is.Not.Null);
            Assert.That(options.Batching, Is.Not.Null);
            Assert.That(options.Retry, Is.Not.Null);
            Assert.That(options.Cache, Is.Not.Null);
            Assert.That(options.Health, Is.Not.Null);
        });
    }

    [Test]
    public void HostStart_QueueCapacityZero_FailsWithTheExactMessage()
    {
        var error = HostStartup.Fails(o => o.QueueCapacity = 0);

        Assert.That(error.Message, Is.EqualTo("QueueCapacity: The field SegmentFunctionsOptions.QueueCapacity must be between 1 and 10000000."));
    }

    [Test]
    public void HostStart_UndefinedFullMode_NamesTheAllowedValues()
    {
        var error = HostStartup.Fails(o => o.FullMode = (QueueFullMode)7);

        Assert.That(error.Message, Is.EqualTo("FullMode: The field SegmentFunctionsOptions.FullMode must be Wait or Reject."));
    }

    [Test]
    public void HostStart_NestedOptionsSetToNull_SaysWhichIsRequired()
    {
        var error = HostStartup.Fails(o => o.Batching = null!);

        Assert.That(error.Message, Is.EqualTo("Batching: The SegmentFunctionsOptions.Batching field is required."));
    }

    [Test]
    public void HostStart_SeveralBadValues_ReportsEachInOneException()
    {
        var error = HostStartup.Fails(o =>
        {
            o.MaxConcurrency = 0;
            o.ShutdownTimeout = TimeSpan.FromDays(2);
            o.DeliveryRecordsPerDestination = 0;
        });

        Assert.That(error.Failures, Is.EquivalentTo(new[]
        {
            "MaxConcurrency: The field SegmentFunctionsOptions.MaxConcurrency must be between 1 and 1024.",
            "ShutdownTimeout: The field SegmentFunctionsOptions.ShutdownTimeout must be between 00:00:00 and 1.00:00:00.",
            "DeliveryRecordsPerDestination: The field SegmentFunctionsOptions.DeliveryRecordsPerDestination must be between 1 and 2147483647.",
        }));
    }

    [Test]
    public void Validators_Defaults_Pass()
    {
        var validators = new IValidateOptions<SegmentFunctionsOptions>[] { new SegmentFunctionsOptionsValidator(), new SegmentFunctionsOptionsCustomValidator() };

        Assert.That(validators.Select(v => v.Validate(null, new SegmentFunctionsOptions()).Succeeded), Is.All.True);
    }
}
