using System.Reflection;
using System.Text.Json.Nodes;
using Segment.Functions.Events.Internal;

namespace Segment.Functions.Tests.Events;

/// <summary>
/// The field table is the one description of the Spec's fields: it must agree with the records'
/// properties, and every field it lists must be read, kept and written under its own name.
/// </summary>
public sealed class EventFieldTableTests
{
    private static readonly Type[] RecordTypes =
        [typeof(TrackEvent), typeof(IdentifyEvent), typeof(PageEvent), typeof(ScreenEvent), typeof(GroupEvent), typeof(AliasEvent), typeof(DeleteEvent)];

    // Members of the records that are not fields of the Spec.
    private static readonly string[] NotSpecFields = ["Type", "MessageType", "AdditionalFields", "EqualityContract"];

    public static IEnumerable<TestCaseData> Records() => RecordTypes.Select(t => new TestCaseData(t).SetArgDisplayNames(t.Name));

    [Test]
    public void Table_EveryField_HasOneRowWithAUniqueName()
    {
        var fields = Enum.GetValues<EventField>().Where(f => f != EventField.Unknown);

        Assert.That(EventFields.All.Select(row => row.Field), Is.EquivalentTo(fields));
        Assert.That(EventFields.All.Select(row => row.Name), Is.Unique);
    }

    [TestCaseSource(nameof(Records))]
    public void Table_FieldsOfOneType_HaveSlotsOfTheirOwn(Type recordType)
    {
        var type = Instance(recordType).MessageType;

        var slots = EventFields.All.Where(row => row.Slot >= 0 && row.IsCarriedBy(type)).Select(row => row.Slot).ToList();

        Assert.That(slots, Is.Unique);
        Assert.That(slots, Is.All.InRange(0, EventFields.SlotCount - 1));
    }

    [TestCaseSource(nameof(Records))]
    public void Table_FieldsOfAType_AreTheRecordsProperties(Type recordType)
    {
        var type = Instance(recordType).MessageType;
        var properties = recordType.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(p => p.Name).Where(name => !NotSpecFields.Contains(name)).Select(CamelCase);

        var carried = EventFields.All.Where(row => row.Slot >= 0 && row.IsCarriedBy(type)).Select(row => row.Name);

        Assert.That(properties, Is.EquivalentTo(carried));
    }

    [Test]
    public void Identify_EveryName_IsItsField()
    {
        foreach (var row in EventFields.All)
        {
            Assert.That(EventFields.Identify(row.Utf8Name), Is.EqualTo(row.Field), row.Name);
        }

        Assert.That(EventFields.Identify("userid"u8), Is.EqualTo(EventField.Unknown));
        Assert.That(EventFields.Identify("originalTimestampX"u8), Is.EqualTo(EventField.Unknown));
        Assert.That(EventFields.Identify(""u8), Is.EqualTo(EventField.Unknown));
    }

    [TestCaseSource(nameof(Records))]
    public void Parse_EveryFieldOfTheType_IsReadByItsPropertyAndWrittenBack(Type recordType)
    {
        var type = Instance(recordType).MessageType;
        var rows = EventFields.All.Where(row => row.Slot >= 0 && row.IsCarriedBy(type)).ToList();
        var json = new JsonObject { ["type"] = Instance(recordType).Type };
        foreach (var row in rows)
        {
            json[row.Name] = SampleJson(row);
        }

        var parsed = SegmentEvent.Parse(json.ToJsonString());

        using (Assert.EnterMultipleScope())
        {
            Assert.That(parsed, Is.TypeOf(recordType));
            foreach (var row in rows)
            {
                var value = recordType.GetProperty(PascalCase(row.Name))!.GetValue(parsed);
                Assert.That(Describe(value), Is.EqualTo(Describe(SampleValue(row))), row.Name);
            }

            Assert.That(parsed.AdditionalFields, Is.Empty);
            Assert.That(JsonNode.DeepEquals(JsonNode.Parse(parsed.ToJson()), json), Is.True, parsed.ToJson());
        }
    }

    [TestCaseSource(nameof(Records))]
    public void Init_EveryFieldOfTheType_IsWrittenUnderItsName(Type recordType)
    {
        var record = Instance(recordType);
        var rows = EventFields.All.Where(row => row.Slot >= 0 && row.IsCarriedBy(record.MessageType)).ToList();
        foreach (var row in rows)
        {
            // Init-only setters are ordinary setters to reflection: this is what an object initializer does.
            recordType.GetProperty(PascalCase(row.Name))!.SetValue(record, SampleValue(row));
        }

        var written = JsonNode.Parse(record.ToJson())!.AsObject();

        using (Assert.EnterMultipleScope())
        {
            foreach (var row in rows)
            {
                var expected = row.Kind == EventFieldKind.Timestamp
                    ? JsonValue.Create((DateTimeOffset)SampleValue(row))
                    : SampleJson(row);
                Assert.That(JsonNode.DeepEquals(written[row.Name], expected), Is.True, $"{row.Name}: {written[row.Name]?.ToJsonString()}");
            }

            Assert.That(written.Count, Is.EqualTo(rows.Count + 1), written.ToJsonString());
        }
    }

    [TestCaseSource(nameof(Records))]
    public void Parse_AFieldOfAnotherType_IsAnAdditionalField(Type recordType)
    {
        var type = Instance(recordType).MessageType;
        var foreign = EventFields.All.Where(row => row.Slot >= 0 && !row.IsCarriedBy(type)).ToList();
        var json = new JsonObject { ["type"] = Instance(recordType).Type, ["userId"] = "u", ["event"] = "e", ["groupId"] = "g", ["previousId"] = "p" };
        foreach (var row in foreign)
        {
            json[row.Name] = SampleJson(row);
        }

        var parsed = SegmentEvent.Parse(json.ToJsonString());

        Assert.That(parsed.AdditionalFields.Select(p => p.Key), Is.EquivalentTo(foreign.Select(row => row.Name)));
        Assert.That(JsonNode.DeepEquals(JsonNode.Parse(parsed.ToJson()), json), Is.True, parsed.ToJson());
    }

    private static SegmentEvent Instance(Type recordType) => (SegmentEvent)Activator.CreateInstance(recordType)!;

    // A distinct value per field, so that two fields sharing a slot by mistake would show.
    private static JsonNode SampleJson(EventFieldInfo row) => row.Kind switch
    {
        EventFieldKind.Timestamp => JsonValue.Create($"2026-03-01T10:{row.Slot:00}:30.5+01:00"),
        EventFieldKind.Object => new JsonObject { ["field"] = row.Name },
        _ => JsonValue.Create($"{row.Name}-value"),
    };

    private static object SampleValue(EventFieldInfo row) => row.Kind switch
    {
        EventFieldKind.Timestamp => new DateTimeOffset(2026, 3, 1, 10, row.Slot, 30, 500, TimeSpan.FromHours(1)),
        EventFieldKind.Object => new JsonObject { ["field"] = row.Name },
        _ => $"{row.Name}-value",
    };

    private static string Describe(object? value) => value is JsonNode node ? node.ToJsonString() : $"{value}";

    private static string CamelCase(string name) => char.ToLowerInvariant(name[0]) + name[1..];

    private static string PascalCase(string name) => char.ToUpperInvariant(name[0]) + name[1..];
}
