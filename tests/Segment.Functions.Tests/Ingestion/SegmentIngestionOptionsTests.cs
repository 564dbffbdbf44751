using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Options;
using Segment.Functions.AspNetCore;
using Segment.Functions.Tests.Hosting;

namespace Segment.Functions.Tests.Ingestion;

public sealed class SegmentIngestionOptionsTests
{
    private static OptionsValidationException StartFails(Action<SegmentIngestionOptions> configure) =>
        HostStartup.Fails(_ => { }, functions => functions.AddIngestion(configure));

    [Test]
    public void Ctor_Defaults_AreTheDocumentedValues()
    {
        var options = new SegmentIngestionOptions();
        var key = new IngestionWriteKey();

        Assert.Multiple(() =>
        {
            Assert.That(options.RoutePrefix, Is.EqualTo("/v1"));
            Assert.That(options.WriteKeys, Is.Empty);
            Assert.That(options.MaxBatchBytes, Is.EqualTo(512_000));
            Assert.That(options.MaxBatchEvents, Is.EqualTo(2500));
            Assert.That(key.Key, Is.EqualTo(""));
            Assert.That(key.Destinations, Is.Null);
        });
    }

    [Test]
    public void HostStart_MaxBatchEventsZero_FailsWithTheExactMessage()
    {
        var error = StartFails(o => o.MaxBatchEvents = 0);

        Assert.That(error.Message, Is.EqualTo("MaxBatchEvents: The field SegmentIngestionOptions.MaxBatchEvents must be between 1 and 100000."));
    }

    [Test]
    public void HostStart_EmptyPrefixAndTinyBatch_NameEachOption()
    {
        var error = StartFails(o =>
        {
            o.RoutePrefix = "";
            o.MaxBatchBytes = 1000;
        });

        Assert.That(error.Failures, Is.EquivalentTo(new[]
        {
            "RoutePrefix: The SegmentIngestionOptions.RoutePrefix field is required.",
            "MaxBatchBytes: The field SegmentIngestionOptions.MaxBatchBytes must be between 1024 and 67108864.",
        }));
    }

    [Test]
    public void HostStart_EmptyWriteKey_NamesItsPosition()
    {
        var error = StartFails(o =>
        {
            o.WriteKeys.Add(new IngestionWriteKey { Key = "key-one" });
            o.WriteKeys.Add(new IngestionWriteKey { Key = "" });
        });

        Assert.That(error.Message, Is.EqualTo("Key: The SegmentIngestionOptions.WriteKeys[1].Key field is required."));
    }

    [Test]
    public void HostStart_WriteKeyListedTwice_NamesPositionsNotTheKey()
    {
        const string Secret = "write-key-7c1e";
        var error = StartFails(o =>
        {
            o.WriteKeys.Add(new IngestionWriteKey { Key = Secret, Destinations = ["A"] });
            o.WriteKeys.Add(new IngestionWriteKey { Key = "other" });
            o.WriteKeys.Add(new IngestionWriteKey { Key = Secret });
        });

        Assert.That(error.Message, Is.EqualTo("SegmentIngestionOptions.WriteKeys[2].Key repeats the key of SegmentIngestionOptions.WriteKeys[0]; list each write key once (merge their Destinations)."));
        Assert.That(error.Message, Does.Not.Contain(Secret));
    }
}
