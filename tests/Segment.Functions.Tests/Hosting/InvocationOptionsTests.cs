using Microsoft.Extensions.Options;
using Segment.Functions.Hosting;
using Segment.Functions.Tests.Testing;

namespace Segment.Functions.Tests.Hosting;

public sealed class InvocationOptionsTests
{
    [Test]
    public void Ctor_Defaults_AreTheDocumentedValues()
    {
        var options = new InvocationOptions();

        Assert.Multiple(() =>
        {
            Assert.That(options.Timeout, Is.EqualTo(TimeSpan.FromSeconds(5)));
            Assert.That(options.MaxLogBytes, Is.EqualTo(4096));
            Assert.That(options.MaxHttpTraces, Is.EqualTo(50));
            Assert.That(options.MaxHttpBodyBytes, Is.EqualTo(4096));
            Assert.That(options.MaxRecordedEventBytes, Is.EqualTo(32 * 1024));
        });
    }

    [Test]
    public void HostStart_TimeoutUnder20Milliseconds_FailsWithTheExactMessage()
    {
        var error = HostStartup.Fails(o => o.Invocation.Timeout = TimeSpan.FromMilliseconds(10));

        Assert.That(error.Message, Is.EqualTo("Timeout: The field SegmentFunctionsOptions.Invocation.Timeout must be between 00:00:00.0200000 and 00:15:00."));
    }

    [Test]
    public void HostStart_CapsOutOfRange_NameEachOption()
    {
        var error = HostStartup.Fails(o =>
        {
            o.Invocation.MaxLogBytes = 255;
            o.Invocation.MaxHttpTraces = 0;
            o.Invocation.MaxHttpBodyBytes = -1;
        });

        Assert.That(error.Failures, Is.EquivalentTo(new[]
        {
            "MaxLogBytes: The field SegmentFunctionsOptions.Invocation.MaxLogBytes must be between 256 and 1048576.",
            "MaxHttpTraces: The field SegmentFunctionsOptions.Invocation.MaxHttpTraces must be between 1 and 10000.",
            "MaxHttpBodyBytes: The field SegmentFunctionsOptions.Invocation.MaxHttpBodyBytes must be between 0 and 1048576.",
        }));
    }

    [Test]
    public void FunctionHarness_TimeoutOutOfRange_ThrowsTheSameMessageAsTheHost()
    {
        var options = new InvocationOptions { Timeout = TimeSpan.FromMinutes(16) };

        var error = Assert.Throws<OptionsValidationException>(() => new FunctionHarness<ScriptedFunction, WebhookSettings>(new WebhookSettings(), options: options));

        Assert.That(error!.Message, Is.EqualTo("Timeout: The field InvocationOptions.Timeout must be between 00:00:00.0200000 and 00:15:00."));
    }
}
