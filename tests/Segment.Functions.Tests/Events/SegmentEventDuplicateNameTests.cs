using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Segment.Functions.Tests.Events;

/// <summary>
/// A property name an object already has makes the event invalid, in every object at every depth
/// (the top level, the bags, objects inside arrays), with System.Text.Json's own words for it. Names
/// compare by their decoded text, as System.Text.Json's duplicate check does; the same name in two
/// different objects is not a duplicate.
/// </summary>
public sealed class SegmentEventDuplicateNameTests
{
    private const string Head = "\"type\":\"track\",\"userId\":\"u\",\"event\":\"e\"";

    public static IEnumerable<TestCaseData> Duplicates()
    {
        yield return new TestCaseData("{" + Head + ",\"x\":1,\"x\":2}", "x").SetArgDisplayNames("top level, unknown field");
        yield return new TestCaseData("{" + Head + ",\"userId\":\"v\"}", "userId").SetArgDisplayNames("top level, known field");
        yield return new TestCaseData("{" + Head + ",\"context\":{\"ip\":\"1\",\"library\":{\"name\":\"a\",\"name\":\"b\"}}}", "name").SetArgDisplayNames("nested in context");
        yield return new TestCaseData("{" + Head + ",\"properties\":{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":1,\"f\":2,\"e\":3}}}}}}", "e").SetArgDisplayNames("six deep");
        yield return new TestCaseData("{" + Head + ",\"properties\":{\"items\":[{\"sku\":\"a\"},{\"sku\":\"b\",\"sku\":\"c\"}]}}", "sku").SetArgDisplayNames("object in an array");
        yield return new TestCaseData("{" + Head + ",\"properties\":{\"a\":1,\"\\u0061\":2}}", "a").SetArgDisplayNames("escaped name equal to a plain one");
        yield return new TestCaseData("{" + Head + ",\"properties\":{\"\\u00e9t\\u00e9\":1,\"été\":2}}", "été").SetArgDisplayNames("escaped non-ASCII name");
        yield return new TestCaseData("{\"\\u0074ype\":\"identify\"," + Head + "}", "type").SetArgDisplayNames("escaped top-level name");
        yield return new TestCaseData("{" + Head + ",\"traits\":[],\"x\":{\"y\":[[{\"z\":1,\"z\":1}]]}}", "z").SetArgDisplayNames("inside an additional field");
        yield return new TestCaseData("{" + Head + ",\"properties\":{\"\":1,\"\":2}}", "").SetArgDisplayNames("empty name");
    }

    [TestCaseSource(nameof(Duplicates))]
    public void Parse_DuplicateName_ThrowsWithTheName(string json, string name)
    {
        var error = Assert.Throws<InvalidEventPayload>(() => SegmentEvent.Parse(json))!;

        Assert.That(error.Message, Is.EqualTo($"Event is not valid JSON: Duplicate property '{name}' encountered during deserialization."));
    }

    [TestCaseSource(nameof(Duplicates))]
    public void ParseBatch_DuplicateNameInAnItem_Throws(string json, string name)
    {
        var batch = Encoding.UTF8.GetBytes("[{" + Head + "}," + json + "]");

        Assert.That(() => SegmentEvent.ParseBatch(batch), Throws.TypeOf<InvalidEventPayload>().With.Message.Contains($"Duplicate property '{name}'"));
    }

    [TestCaseSource(nameof(Duplicates))]
    public void Deserialize_DuplicateName_ThrowsInvalidEventPayload(string json, string name)
    {
        Assert.That(() => JsonSerializer.Deserialize<SegmentEvent>(json), Throws.TypeOf<InvalidEventPayload>().With.Message.Contains($"Duplicate property '{name}'"));
    }

    [Test]
    public void Parse_SameNameInDifferentObjects_IsAccepted()
    {
        var json = "{" + Head + ",\"a\":0,\"properties\":{\"a\":{\"a\":1},\"b\":{\"a\":2},\"items\":[{\"a\":3},{\"a\":4}]},\"context\":{\"a\":5}}";

        var track = (TrackEvent)SegmentEvent.Parse(json);

        Assert.Multiple(() =>
        {
            Assert.That(track.AdditionalFields["a"]!.GetValue<int>(), Is.Zero);
            Assert.That(track.Properties["a"]!["a"]!.GetValue<int>(), Is.EqualTo(1));
            Assert.That(track.Properties["b"]!["a"]!.GetValue<int>(), Is.EqualTo(2));
            Assert.That(track.Properties["items"]![1]!["a"]!.GetValue<int>(), Is.EqualTo(4));
            Assert.That(track.Context["a"]!.GetValue<int>(), Is.EqualTo(5));
        });
    }

    [TestCase("abcd1wxyz", "abcd2wxyz")] // same length, same first and last bytes
    [TestCase("ab", "ba")]
    [TestCase("a\\nb", "a\\\\nb")] // a newline, and a backslash followed by n
    [TestCase("\\u00e9", "e\\u0301")] // é precomposed and decomposed: different text
    [TestCase("Name", "name")] // names are case-sensitive
    public void Parse_NamesThatDifferOnlySlightly_AreNotDuplicates(string first, string second)
    {
        var json = "{" + Head + ",\"properties\":{\"" + first + "\":1,\"" + second + "\":2}}";

        var track = (TrackEvent)SegmentEvent.Parse(json);

        Assert.That(track.Properties, Has.Count.EqualTo(2));
    }

    [TestCase(31)]
    [TestCase(32)]
    [TestCase(33)]
    [TestCase(500)]
    public void Parse_LargeObjectWithDistinctNames_IsAccepted(int count)
    {
        var json = "{" + Head + ",\"properties\":{" + string.Join(",", Enumerable.Range(0, count).Select(i => $"\"p{i}\":{i}")) + "}}";

        var track = (TrackEvent)SegmentEvent.Parse(json);

        Assert.That(track.Properties, Has.Count.EqualTo(count));
    }

    // Large objects are checked another way than small ones: duplicates of early and late names, plain and escaped.
    [TestCase(40, 3, 35, false)]
    [TestCase(40, 33, 39, false)]
    [TestCase(500, 0, 499, false)]
    [TestCase(40, 3, 35, true)]
    [TestCase(500, 250, 499, true)]
    public void Parse_LargeObjectWithOneDuplicate_Throws(int count, int original, int copy, bool escapeTheCopy)
    {
        var names = Enumerable.Range(0, count).Select(i => $"p{i}").ToArray();
        names[copy] = escapeTheCopy ? "\\u0070" + names[original][1..] : names[original];
        var json = "{" + Head + ",\"properties\":{" + string.Join(",", names.Select((name, i) => $"\"{name}\":{i}")) + "}}";

        var error = Assert.Throws<InvalidEventPayload>(() => SegmentEvent.Parse(json))!;

        Assert.That(error.Message, Does.Contain($"Duplicate property 'p{original}'"));
    }

    [Test]
    public void Parse_SyntaxErrorAfterADuplicate_ReportsTheSyntaxError()
    {
        // As JsonDocument did: the JSON must be JSON before its names are looked at.
        var error = Assert.Throws<InvalidEventPayload>(() => SegmentEvent.Parse("{" + Head + ",\"x\":1,\"x\":2,}"))!;

        Assert.That(error.Message, Does.StartWith("Event is not valid JSON: ").And.Contains("trailing comma").And.Not.Contains("Duplicate"));
    }

    [Test]
    public void Parse_DuplicateAndLoneSurrogate_ReportsTheDuplicate()
    {
        var error = Assert.Throws<InvalidEventPayload>(() => SegmentEvent.Parse("{" + Head + ",\"messageId\":\"\\ud800\",\"x\":1,\"x\":2}"))!;

        Assert.That(error.Message, Does.Contain("Duplicate property 'x'"));
    }

    [Test]
    public void Parse_AfterAnInputThatBrokeOffInsideObjects_NextEventOnTheThreadIsCheckedFromScratch()
    {
        // The names of the objects left open by the broken input must not count against the next event.
        Assert.Throws<InvalidEventPayload>(() => SegmentEvent.Parse("{" + Head + ",\"properties\":{\"a\":{\"b\":1"));

        var track = (TrackEvent)SegmentEvent.Parse("{" + Head + ",\"properties\":{\"a\":{\"b\":1}}}");
        var error = Assert.Throws<InvalidEventPayload>(() => SegmentEvent.Parse("{" + Head + ",\"properties\":{\"a\":1,\"a\":2}}"))!;

        Assert.Multiple(() =>
        {
            Assert.That(track.Properties["a"]!["b"]!.GetValue<int>(), Is.EqualTo(1));
            Assert.That(error.Message, Does.Contain("Duplicate property 'a'"));
        });
    }

    [Test]
    public void Parse_OnManyThreadsAtOnce_EachEventGetsItsOwnVerdict()
    {
        var good = Encoding.UTF8.GetBytes("{" + Head + ",\"properties\":{" + string.Join(",", Enumerable.Range(0, 40).Select(i => $"\"p{i}\":{i}")) + "}}");
        var bad = Encoding.UTF8.GetBytes("{" + Head + ",\"properties\":{\"a\":{\"p\":1},\"b\":{\"p\":1,\"p\":2}}}");
        var wrong = 0;

        Parallel.For(0, 20_000, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            var valid = i % 3 != 0;
            bool accepted;
            try
            {
                accepted = SegmentEvent.Parse(valid ? good : bad) is TrackEvent { Properties.Count: 40 };
            }
            catch (InvalidEventPayload)
            {
                accepted = false;
            }

            if (accepted != valid)
            {
                Interlocked.Increment(ref wrong);
            }
        });

        Assert.That(wrong, Is.Zero);
    }
}
