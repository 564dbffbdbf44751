using System.Text;
using System.Text.Json.Nodes;

namespace Segment.Functions.Tests.Events;

/// <summary>
/// Events are equal when they are the same type with the same JSON content: key order, how a field
/// is held (unread, read, set in code) and number spelling do not matter; values, null-versus-absent
/// and string-versus-number do.
/// </summary>
public sealed class SegmentEventEqualityTests
{
    public static IEnumerable<TestCaseData> EventFixtures() =>
        Fixtures.EventFiles().Select(path => new TestCaseData(path).SetArgDisplayNames(Path.GetFileName(path)));

    // ---- two parses -----------------------------------------------------------------------------

    [TestCaseSource(nameof(EventFixtures))]
    public void Parse_SameJsonTwice_AreEqualWithEqualHashCodes(string path)
    {
        var first = SegmentEvent.Parse(Fixtures.Read(path));
        var second = SegmentEvent.Parse(Fixtures.Read(path));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(first.Equals(second), Is.True);
            Assert.That(first == second, Is.True);
            Assert.That(first != second, Is.False);
            Assert.That(first.Equals((object)second), Is.True);
            Assert.That(first.GetHashCode(), Is.EqualTo(second.GetHashCode()));
        }
    }

    [TestCase("{\"userId\":\"u2\"}", TestName = "Parse_DifferentJson_AreNotEqual(userId changed)")]
    [TestCase("{\"properties\":{\"sku\":\"G-33\"}}", TestName = "Parse_DifferentJson_AreNotEqual(a bag value changed)")]
    [TestCase("{\"extra\":1}", TestName = "Parse_DifferentJson_AreNotEqual(an additional field added)")]
    [TestCase("{\"timestamp\":\"2026-03-01T09:15:30Z\"}", TestName = "Parse_DifferentJson_AreNotEqual(same instant, other text)")]
    [TestCase("{\"channel\":null}", TestName = "Parse_DifferentJson_AreNotEqual(null instead of absent)")]
    [TestCase("{\"userId\":42}", TestName = "Parse_DifferentJson_AreNotEqual(number instead of string)")]
    [TestCase("{\"properties\":{\"sku\":\"G-32\",\"tags\":[\"b\",\"a\"]}}", TestName = "Parse_DifferentJson_AreNotEqual(array in another order)")]
    public void Parse_DifferentJson_AreNotEqual(string change)
    {
        const string original = """{"type":"track","event":"A","userId":"42","timestamp":"2026-03-01T10:15:30+01:00","properties":{"sku":"G-32","tags":["a","b"]}}""";
        var changed = JsonNode.Parse(original)!.AsObject();
        foreach (var (name, value) in JsonNode.Parse(change)!.AsObject())
        {
            changed[name] = value?.DeepClone();
        }

        var left = SegmentEvent.Parse(original);
        var right = SegmentEvent.Parse(changed.ToJsonString());

        Assert.That(left.Equals(right), Is.False);
        Assert.That(left != right, Is.True);
    }

    [Test]
    public void Parse_SameFieldsInAnotherKeyOrder_AreEqual()
    {
        var left = SegmentEvent.Parse("""{"type":"identify","userId":"u","traits":{"a":1,"b":{"x":true,"y":null}},"extra":"e"}""");
        var right = SegmentEvent.Parse("""{"extra":"e","traits":{"b":{"y":null,"x":true},"a":1},"userId":"u","type":"identify"}""");

        Assert.That(left, Is.EqualTo(right));
        Assert.That(left.GetHashCode(), Is.EqualTo(right.GetHashCode()));
    }

    [Test]
    public void Parse_SameValuesSpelledDifferently_AreEqual()
    {
        // Numbers compare by value and strings by their text, as JSON does.
        var left = SegmentEvent.Parse("""{"type":"track","event":"A","userId":"u","version":2,"properties":{"price":1,"big":100}}""");
        var right = SegmentEvent.Parse("""{"type":"track","event":"\u0041","userId":"u","version":2.0,"properties":{"price":1.0,"big":1e2}}""");

        Assert.That(left, Is.EqualTo(right));
        Assert.That(left.GetHashCode(), Is.EqualTo(right.GetHashCode()));
    }

    [Test]
    public void Parse_SameFieldsButAnotherType_AreNotEqual()
    {
        var page = SegmentEvent.Parse("""{"type":"page","userId":"u","name":"Home"}""");
        var screen = SegmentEvent.Parse("""{"type":"screen","userId":"u","name":"Home"}""");

        Assert.That(page.Equals(screen), Is.False);
        Assert.That(screen.Equals(page), Is.False);
    }

    [Test]
    public void Equals_Null_IsFalse()
    {
        var track = SegmentEvent.Parse(Fixtures.Event("track.json"));

        Assert.That(track.Equals((object?)"track"), Is.False);
        Assert.That(track.Equals(null), Is.False);
        Assert.That(track == null, Is.False);
    }

    // ---- copies ---------------------------------------------------------------------------------

    [TestCaseSource(nameof(EventFixtures))]
    public void With_EmptyCopy_IsEqualBeforeAndAfterReadingFields(string path)
    {
        var original = SegmentEvent.Parse(Fixtures.Read(path));
        var copy = original with { };
        var hashBefore = original.GetHashCode();

        Assert.That(original == copy, Is.True, "before reading");

        ReadEveryField(original);
        Assert.That(original == copy, Is.True, "after reading the original's fields");
        Assert.That(copy == original, Is.True, "after reading the original's fields, compared the other way");

        ReadEveryField(copy);
        Assert.That(original == copy, Is.True, "after reading both");
        Assert.That(original.GetHashCode(), Is.EqualTo(hashBefore), "reading fields must not change the hash code");
        Assert.That(copy.GetHashCode(), Is.EqualTo(hashBefore));
    }

    [Test]
    public void With_EmptyCopyOfAnEventWhoseFieldsWereReadFirst_IsEqual()
    {
        var original = (TrackEvent)SegmentEvent.Parse(Fixtures.Event("track.json"));
        _ = (original.UserId, original.Properties, original.Timestamp);

        var copy = original with { };

        Assert.That(copy, Is.EqualTo(original));
        Assert.That(copy.GetHashCode(), Is.EqualTo(original.GetHashCode()));
    }

    [Test]
    public void With_UserIdChanged_IsNotEqual()
    {
        var original = SegmentEvent.Parse(Fixtures.Event("track.json"));
        _ = original.UserId;

        var copy = original with { UserId = "x" };

        Assert.That(copy == original, Is.False);
        Assert.That(copy with { UserId = original.UserId }, Is.EqualTo(original), "setting the value back in code restores equality");
    }

    [Test]
    public void Equals_AfterABagIsChanged_IsFalse()
    {
        var original = (TrackEvent)SegmentEvent.Parse(Fixtures.Event("track.json"));
        var copy = SegmentEvent.Parse(Fixtures.Event("track.json"));

        original.Properties["sku"] = "changed";

        Assert.That(original.Equals(copy), Is.False);
    }

    [Test]
    public void Equals_FromManyThreadsWhileFieldsAreRead_IsAlwaysTrue()
    {
        var original = SegmentEvent.Parse(Fixtures.Event("track.json"));
        var copy = original with { };

        var results = new bool[8];
        Parallel.For(0, results.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            ReadEveryField(i % 2 == 0 ? original : copy);
            results[i] = original.Equals(copy);
        });

        Assert.That(results, Is.All.True);
    }

    // ---- events built in code -------------------------------------------------------------------

    [Test]
    public void ObjectInitializer_SameValues_AreEqualWithEqualHashCodes()
    {
        var left = BuildTrack();
        var right = BuildTrack();

        Assert.That(left, Is.EqualTo(right));
        Assert.That(left == right, Is.True);
        Assert.That(left.GetHashCode(), Is.EqualTo(right.GetHashCode()));
    }

    [Test]
    public void ObjectInitializer_OneValueDifferent_AreNotEqual()
    {
        var left = BuildTrack();
        var right = BuildTrack() with { Timestamp = new DateTimeOffset(2026, 3, 1, 9, 15, 31, TimeSpan.Zero) };

        Assert.That(left == right, Is.False);
    }

    [Test]
    public void ObjectInitializer_EmptyBagSetVersusNotSet_AreNotEqual()
    {
        // A bag set in code is written ("properties":{}); one never set is not: the JSON differs.
        var set = new TrackEvent { Event = "A", UserId = "u", Properties = [] };
        var unset = new TrackEvent { Event = "A", UserId = "u" };

        Assert.That(set.Equals(unset), Is.False);
    }

    public static IEnumerable<TestCaseData> BuiltInCode()
    {
        var time = new DateTimeOffset(2026, 3, 1, 10, 15, 30, 123, TimeSpan.FromHours(1));
        yield return new TestCaseData(BuildTrack()).SetArgDisplayNames("track");
        yield return new TestCaseData(new IdentifyEvent { UserId = "u", Traits = new JsonObject { ["email"] = "a@example.com", ["logins"] = 5 }, SentAt = time }).SetArgDisplayNames("identify");
        yield return new TestCaseData(new PageEvent { AnonymousId = "a", Name = "Home", Category = "Docs", Properties = new JsonObject { ["path"] = "/" } }).SetArgDisplayNames("page");
        yield return new TestCaseData(new ScreenEvent { UserId = "u", Name = "Home", ReceivedAt = time }).SetArgDisplayNames("screen");
        yield return new TestCaseData(new GroupEvent { UserId = "u", GroupId = "g", Traits = new JsonObject { ["employees"] = 329 } }).SetArgDisplayNames("group");
        yield return new TestCaseData(new AliasEvent { UserId = "u", PreviousId = "p", OriginalTimestamp = time }).SetArgDisplayNames("alias");
        yield return new TestCaseData(new DeleteEvent { UserId = "u", MessageId = "m", Version = "2" }).SetArgDisplayNames("delete");
    }

    [TestCaseSource(nameof(BuiltInCode))]
    public void ObjectInitializer_ParseOfItsJson_IsEqual(SegmentEvent built)
    {
        var parsed = SegmentEvent.Parse(built.ToJson());

        Assert.That(parsed, Is.EqualTo(built));
        Assert.That(built, Is.EqualTo(parsed));
        Assert.That(parsed.GetHashCode(), Is.EqualTo(built.GetHashCode()));
    }

    [TestCaseSource(nameof(BuiltInCode))]
    public void ObjectInitializer_ParseOfItsUtf8Json_IsEqualAfterReadingEveryField(SegmentEvent built)
    {
        var parsed = SegmentEvent.Parse(Encoding.UTF8.GetBytes(built.ToJson()));

        ReadEveryField(parsed);

        Assert.That(parsed == built, Is.True);
    }

    // ---- in a set -------------------------------------------------------------------------------

    [Test]
    public void HashSet_EqualEvents_AreKeptOnce()
    {
        var track = SegmentEvent.Parse(Fixtures.Event("track.json"));
        var sameTrack = SegmentEvent.Parse(Fixtures.Event("track.json"));
        var identify = SegmentEvent.Parse(Fixtures.Event("identify.json"));
        var built = BuildTrack();

        var set = new HashSet<SegmentEvent> { track, sameTrack, track with { }, identify, built, SegmentEvent.Parse(built.ToJson()) };

        Assert.That(set, Has.Count.EqualTo(3));
        Assert.That(set.Contains(SegmentEvent.Parse(Fixtures.Event("identify.json"))), Is.True);
        Assert.That(set.Contains(track with { UserId = "someone else" }), Is.False);
    }

    private static TrackEvent BuildTrack() => new()
    {
        Event = "Order Completed",
        UserId = "u-1",
        MessageId = "m-1",
        Timestamp = new DateTimeOffset(2026, 3, 1, 10, 15, 30, 123, TimeSpan.FromHours(1)),
        Properties = new JsonObject { ["revenue"] = 25.00m, ["products"] = new JsonArray("a", "b") },
        Context = new JsonObject { ["ip"] = "8.8.8.8" },
    };

    private static void ReadEveryField(SegmentEvent @event)
    {
        _ = (@event.MessageId, @event.UserId, @event.AnonymousId, @event.Channel, @event.Version, @event.WriteKey);
        _ = (@event.Timestamp, @event.OriginalTimestamp, @event.SentAt, @event.ReceivedAt);
        _ = (@event.Context, @event.Integrations, @event.AdditionalFields);
        _ = @event switch
        {
            TrackEvent track => (object)(track.Event, track.Properties),
            IdentifyEvent identify => identify.Traits,
            ViewEvent view => (view.Name, view.Category, view.Properties),
            GroupEvent group => (group.GroupId, group.Traits),
            AliasEvent alias => alias.PreviousId,
            _ => @event,
        };
    }
}
