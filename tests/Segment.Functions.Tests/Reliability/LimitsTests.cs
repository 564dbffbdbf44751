using System.Text;
using Segment.Functions.Hosting;
using Segment.Functions.Hosting.Internal;
using Segment.Functions.Tests.Hosting;

namespace Segment.Functions.Tests.Reliability;

/// <summary>Each limit holds, and says which option it is when it bites.</summary>
public sealed class LimitsTests
{
    [Test]
    public async Task EventOverTheSizeLimit_IsInvalidAndNamesTheLimit()
    {
        await using var host = await TestHost.StartAsync(null, b => b.AddDestination<ProbeFunction, ProbeSettings>("A", _ => { }));
        var json = $$$"""{"type":"track","event":"Big","userId":"u","properties":{"blob":"{{{new string('x', 40 * 1024)}}}"}}""";

        var result = await host.Functions.SendAsync(Encoding.UTF8.GetBytes(json));

        Assert.That(result.Status, Is.EqualTo(SendStatus.Invalid));
        Assert.That(result.Error, Does.Contain("32768").And.Contain("MaxEventBytes"));
    }

    [Test]
    public async Task EventSizeLimit_IsAnOption()
    {
        await using var host = await TestHost.StartAsync(o => o.Parsing = new EventParseOptions { MaxEventBytes = 64 * 1024 }, b => b.AddDestination<ProbeFunction, ProbeSettings>("A", _ => { }));
        var json = $$$"""{"type":"track","event":"Big","userId":"u","properties":{"blob":"{{{new string('x', 40 * 1024)}}}"}}""";

        var result = await host.Functions.SendAsync(Encoding.UTF8.GetBytes(json));

        Assert.That(result.Status, Is.EqualTo(SendStatus.Accepted));
    }

    [Test]
    public async Task NestingPastTheDepthLimit_IsInvalid()
    {
        await using var host = await TestHost.StartAsync(null, b => b.AddDestination<ProbeFunction, ProbeSettings>("A", _ => { }));
        var json = """{"type":"track","event":"Deep","userId":"u","properties":""" + string.Concat(Enumerable.Repeat("{\"a\":", 100)) + "1" + new string('}', 100) + "}";

        var result = await host.Functions.SendAsync(Encoding.UTF8.GetBytes(json));

        Assert.That(result.Status, Is.EqualTo(SendStatus.Invalid));
        Assert.That(result.Error, Does.Contain("depth").IgnoreCase);
    }

    [Test]
    public async Task RetriesHeldInMemory_AreBoundedByTheQueueCapacity()
    {
        var probe = new Probe { Handle = static (_, _, _) => throw new RetryError("down") };
        await using var host = await TestHost.StartAsync(
            o => { o.QueueCapacity = 5; o.FullMode = QueueFullMode.Reject; },
            b => b.AddDestination<ProbeFunction, ProbeSettings>("Down", s => s.Probe = probe));

        var results = new List<SendResult>();
        for (var i = 0; i < 8; i++)
        {
            results.Add(await host.Functions.SendAsync(TestEvents.Track(i)));
            await host.SettleAsync();
        }

        Assert.That(host.Functions.GetStatus("Down").WaitingForRetry, Is.EqualTo(5));
        Assert.That(results.Count(r => r.Status == SendStatus.QueueFull), Is.EqualTo(3));
        Assert.That(results.Last().Error, Does.Contain("QueueCapacity 5"));
        Assert.That(host.Functions.GetCounts("Down").Discarded[OutcomeReason.QueueFull], Is.EqualTo(3));
    }

    [Test]
    public async Task CaptureCaps_AreOptions()
    {
        await using var host = await TestHost.StartAsync(
            o => { o.Invocation.MaxLogBytes = 256; o.Invocation.MaxHttpTraces = 1; },
            b => b.AddDestination<ProbeFunction, ProbeSettings>("A", _ => { }));

        var options = host.Services.GetService(typeof(Microsoft.Extensions.Options.IOptions<SegmentFunctionsOptions>)) as Microsoft.Extensions.Options.IOptions<SegmentFunctionsOptions>;

        Assert.That((options!.Value.Invocation.MaxLogBytes, options.Value.Invocation.MaxHttpTraces), Is.EqualTo((256, 1)));
        Assert.That(new SegmentFunctionsOptionsValidator().Validate(null, new SegmentFunctionsOptions { Invocation = { MaxLogBytes = 10 } }).FailureMessage, Does.Contain("MaxLogBytes"));
    }
}
