using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Segment.Functions.Tests.Events;

public sealed class SegmentEventParseTests
{
    private static readonly byte[] Utf8Bom = [0xEF, 0xBB, 0xBF];

    // What each events fixture must parse to. A fixture without an entry fails the tests below.
    private static readonly Dictionary<string, (Type Type, Action<SegmentEvent> Check)> Expected = new(StringComparer.Ordinal)
    {
        ["alias.json"] = (typeof(AliasEvent), CheckAlias),
        ["delete.json"] = (typeof(DeleteEvent), CheckDelete),
        ["group.json"] = (typeof(GroupEvent), CheckGroup),
        ["identify.json"] = (typeof(IdentifyEvent), CheckIdentify),
        ["page.json"] = (typeof(PageEvent), CheckPage),
        ["quirks-csharp-sdk-track.json"] = (typeof(TrackEvent), CheckCSharpSdkTrack),
        ["quirks-dotnet-local-offset.json"] = (typeof(PageEvent), CheckDotnetLocalOffset),
        ["screen.json"] = (typeof(ScreenEvent), CheckScreen),
        ["track.json"] = (typeof(TrackEvent), CheckTrack),
    };

    // A distinctive part of the message each bad input must be rejected with.
    private static readonly Dictionary<string, string[]> ExpectedErrors = new(StringComparer.Ordinal)
    {
        ["array-root.json"] = ["must be a JSON object, not an array", "batch"],
        ["bad-timestamp.json"] = ["\"timestamp\" is not an ISO-8601 date-time", "2015-2-02T00:30:08.276Z"],
        ["deep-nesting-2000.json"] = ["not valid JSON", "depth of 64"],
        ["group-without-groupId.json"] = ["group event needs a non-empty \"groupId\""],
        ["missing-type.json"] = ["has no \"type\"", "identify, track, page"],
        ["no-user-or-anonymous-id.json"] = ["\"userId\" or an \"anonymousId\""],
        ["not-json.txt"] = ["not valid JSON", "not json at all"],
        ["oversize-40kb.json"] = ["40067 bytes", "limit of 32768 bytes"],
        ["properties-not-object.json"] = ["\"properties\" must be an object, not a string"],
        ["track-without-event.json"] = ["track event needs a non-empty \"event\""],
        ["truncated.json"] = ["not valid JSON", "end of data"],
        ["type-is-number.json"] = ["\"type\" must be a string, not a number"],
        ["unknown-type.json"] = ["\"purchase\" is not a Segment message type"],
    };

    public static IEnumerable<TestCaseData> EventFixtures() =>
        Fixtures.EventFiles().Select(path => new TestCaseData(path).SetArgDisplayNames(Path.GetFileName(path)));

    public static IEnumerable<TestCaseData> EventFixturesWithABag() =>
        EventFixtures().Where(c => Path.GetFileName((string)c.Arguments[0]!) is not ("alias.json" or "delete.json"));

    public static IEnumerable<TestCaseData> BadFixtures() =>
        Fixtures.BadFiles().Select(path => new TestCaseData(path).SetArgDisplayNames(Path.GetFileName(path)));

    public static IEnumerable<TestCaseData> AdditionalFieldCases()
    {
        yield return new TestCaseData("delete.json", "projectId").SetArgDisplayNames("delete.json", "projectId");
        yield return new TestCaseData("quirks-csharp-sdk-track.json", "metrics").SetArgDisplayNames("quirks-csharp-sdk-track.json", "metrics");
        yield return new TestCaseData("quirks-csharp-sdk-track.json", "_metadata").SetArgDisplayNames("quirks-csharp-sdk-track.json", "_metadata");
        yield return new TestCaseData("quirks-dotnet-local-offset.json", "extraTopLevel").SetArgDisplayNames("quirks-dotnet-local-offset.json", "extraTopLevel");
    }

    // ---- valid fixtures -------------------------------------------------------------------------

    [Test]
    public void EventFixtures_EveryFile_HasExpectations()
    {
        var files = Fixtures.EventFiles().Select(Path.GetFileName).ToList();

        Assert.That(files, Is.EquivalentTo(Expected.Keys));
    }

    [TestCaseSource(nameof(EventFixtures))]
    public void Parse_EventFixture_ReturnsRecordOfItsType(string path)
    {
        var expected = ExpectationFor(path);

        var parsed = SegmentEvent.Parse(Fixtures.Read(path));

        Assert.That(parsed, Is.TypeOf(expected.Type));
    }

    [TestCaseSource(nameof(EventFixtures))]
    public void Parse_EventFixture_ReadsKeyFields(string path)
    {
        var expected = ExpectationFor(path);

        var parsed = SegmentEvent.Parse(Fixtures.Read(path));

        Assume.That(parsed, Is.TypeOf(expected.Type));
        using (Assert.EnterMultipleScope())
        {
            expected.Check(parsed);
        }
    }

    [TestCaseSource(nameof(EventFixtures))]
    public void Parse_EventFixture_TypeAndMessageTypeMatchJson(string path)
    {
        var bytes = Fixtures.Read(path);
        var typeInJson = (string?)JsonNode.Parse(bytes)!["type"];

        var parsed = SegmentEvent.Parse(bytes);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(parsed.Type, Is.EqualTo(typeInJson));
            Assert.That(parsed.MessageType.ToString(), Is.EqualTo(typeInJson).IgnoreCase);
        }
    }

    // ---- round trip -----------------------------------------------------------------------------

    [TestCaseSource(nameof(EventFixtures))]
    public void Serialize_EventFixture_EqualsOriginalJson(string path)
    {
        var bytes = Fixtures.Read(path);
        var parsed = SegmentEvent.Parse(bytes);

        var json = JsonSerializer.Serialize(parsed);

        AssertJsonEqual(json, JsonNode.Parse(bytes));
    }

    [TestCaseSource(nameof(EventFixtures))]
    public void Serialize_EventFixtureAsRuntimeType_EqualsOriginalJson(string path)
    {
        var bytes = Fixtures.Read(path);
        var parsed = SegmentEvent.Parse(bytes);

        var json = JsonSerializer.Serialize(parsed, parsed.GetType());

        AssertJsonEqual(json, JsonNode.Parse(bytes));
    }

    [TestCaseSource(nameof(EventFixtures))]
    public void ToJson_EventFixture_EqualsOriginalJson(string path)
    {
        var bytes = Fixtures.Read(path);
        var parsed = SegmentEvent.Parse(bytes);

        var json = parsed.ToJson();

        AssertJsonEqual(json, JsonNode.Parse(bytes));
    }

    [TestCaseSource(nameof(EventFixtures))]
    public void ToJson_EventFixtureAfterReadingScalarFields_EqualsOriginalJson(string path)
    {
        var bytes = Fixtures.Read(path);
        var parsed = SegmentEvent.Parse(bytes);
        // Reading the string and date fields must not change what is written.
        _ = (parsed.MessageId, parsed.UserId, parsed.AnonymousId, parsed.Channel, parsed.Version, parsed.WriteKey);
        _ = (parsed.Timestamp, parsed.OriginalTimestamp, parsed.SentAt, parsed.ReceivedAt, parsed.AdditionalFields);

        var json = parsed.ToJson();

        AssertJsonEqual(json, JsonNode.Parse(bytes));
    }

    // Fixtures whose bags (context, integrations, properties/traits) are all present as JSON objects.
    [TestCase("track.json")]
    [TestCase("identify.json")]
    [TestCase("page.json")]
    [TestCase("screen.json")]
    [TestCase("group.json")]
    [TestCase("alias.json")]
    [TestCase("quirks-csharp-sdk-track.json")]
    public void ToJson_EventFixtureAfterReadingItsBags_EqualsOriginalJson(string file)
    {
        var bytes = Fixtures.Event(file);
        var parsed = SegmentEvent.Parse(bytes);
        _ = (parsed.Context, parsed.Integrations, parsed.AdditionalFields);
        _ = parsed switch
        {
            TrackEvent e => e.Properties,
            PageEvent e => e.Properties,
            ScreenEvent e => e.Properties,
            IdentifyEvent e => e.Traits,
            GroupEvent e => e.Traits,
            _ => null,
        };

        var json = parsed.ToJson();

        AssertJsonEqual(json, JsonNode.Parse(bytes));
    }

    [TestCaseSource(nameof(EventFixturesWithABag))]
    public void ToJson_EventFixtureAfterChangingABag_WritesTheChange(string path)
    {
        var bytes = Fixtures.Read(path);
        var parsed = SegmentEvent.Parse(bytes);
        var bag = parsed switch
        {
            TrackEvent e => e.Properties,
            PageEvent e => e.Properties,
            ScreenEvent e => e.Properties,
            IdentifyEvent e => e.Traits,
            GroupEvent e => e.Traits,
            _ => null,
        };
        Assume.That(bag, Is.Not.Null);

        bag!["addedByTest"] = 42;

        var written = JsonNode.Parse(parsed.ToJson())!;
        var bagName = parsed is IdentifyEvent or GroupEvent ? "traits" : "properties";
        Assert.That((int?)written[bagName]?["addedByTest"], Is.EqualTo(42));
    }

    [TestCaseSource(nameof(AdditionalFieldCases))]
    public void ToJson_UnknownTopLevelField_IsWrittenBack(string file, string field)
    {
        var bytes = Fixtures.Event(file);
        var original = JsonNode.Parse(bytes)!.AsObject();

        var written = JsonNode.Parse(SegmentEvent.Parse(bytes).ToJson())!.AsObject();

        Assert.That(written.ContainsKey(field), Is.True, $"{field} was dropped");
        Assert.That(JsonNode.DeepEquals(written[field], original[field]), Is.True, $"{field} changed: {written[field]?.ToJsonString()}");
    }

    [TestCaseSource(nameof(AdditionalFieldCases))]
    public void AdditionalFields_UnknownTopLevelField_IsPresentWithItsValue(string file, string field)
    {
        var bytes = Fixtures.Event(file);
        var original = JsonNode.Parse(bytes)!.AsObject();

        var additional = SegmentEvent.Parse(bytes).AdditionalFields;

        Assert.That(additional.ContainsKey(field), Is.True, $"{field} is missing from AdditionalFields");
        Assert.That(JsonNode.DeepEquals(additional[field], original[field]), Is.True, $"{field} is {additional[field]?.ToJsonString()}");
    }

    [TestCase("track.json")]
    [TestCase("identify.json")]
    [TestCase("group.json")]
    [TestCase("alias.json")]
    [TestCase("screen.json")]
    public void AdditionalFields_FixtureWithOnlySpecFields_IsEmpty(string file)
    {
        var parsed = SegmentEvent.Parse(Fixtures.Event(file));

        Assert.That(parsed.AdditionalFields, Is.Empty);
    }

    [Test]
    public void AdditionalFields_CSharpSdkTrack_HoldsOnlyTheUnknownFields()
    {
        var parsed = SegmentEvent.Parse(Fixtures.Event("quirks-csharp-sdk-track.json"));

        Assert.That(parsed.AdditionalFields.Select(p => p.Key), Is.EquivalentTo(new[] { "metrics", "_metadata" }));
    }

    [Test]
    public void With_UserIdChanged_WritesNewUserIdAndKeepsOtherFields()
    {
        var bytes = Fixtures.Event("track.json");
        var track = (TrackEvent)SegmentEvent.Parse(bytes);
        var expected = JsonNode.Parse(bytes)!;
        expected["userId"] = "x";

        var changed = track with { UserId = "x" };

        using (Assert.EnterMultipleScope())
        {
            Assert.That(changed.UserId, Is.EqualTo("x"));
            Assert.That(changed.Event, Is.EqualTo("Product Added"));
            AssertJsonEqual(JsonSerializer.Serialize(changed), expected);
            AssertJsonEqual(changed.ToJson(), expected);
        }
    }

    [Test]
    public void ForForwarding_DropsMessageIdAndWriteKeyAndKeepsTheRest()
    {
        var track = (TrackEvent)SegmentEvent.Parse("""{"type":"track","event":"Signed Up","userId":"u","messageId":"m-1","writeKey":"wk","properties":{"plan":"pro"}}""");

        var copy = track.ForForwarding();

        Assert.That(copy, Is.TypeOf<TrackEvent>());
        var json = JsonNode.Parse(copy.ToJson())!.AsObject();
        Assert.That(json.ContainsKey("messageId") || json.ContainsKey("writeKey"), Is.False, copy.ToJson());
        Assert.That((string?)json["properties"]!["plan"], Is.EqualTo("pro"));
        Assert.That(track.MessageId, Is.EqualTo("m-1"), "the original keeps its id");
    }

    [Test]
    public void With_UserIdChanged_LeavesOriginalUnchanged()
    {
        var bytes = Fixtures.Event("track.json");
        var track = (TrackEvent)SegmentEvent.Parse(bytes);

        _ = track with { UserId = "x" };

        using (Assert.EnterMultipleScope())
        {
            Assert.That(track.UserId, Is.EqualTo("user-1234"));
            AssertJsonEqual(track.ToJson(), JsonNode.Parse(bytes));
        }
    }

    [Test]
    public void With_NameChangedOnEventWithUnknownField_KeepsUnknownField()
    {
        var bytes = Fixtures.Event("quirks-dotnet-local-offset.json");
        var page = (PageEvent)SegmentEvent.Parse(bytes);
        var expected = JsonNode.Parse(bytes)!;
        expected["name"] = "Plans";

        var changed = page with { Name = "Plans" };

        AssertJsonEqual(changed.ToJson(), expected);
    }

    // ---- batch ----------------------------------------------------------------------------------

    [Test]
    public void ParseBatch_MixedBatch_ReturnsIdentifyTrackTrack()
    {
        var events = SegmentEvent.ParseBatch(Fixtures.Event("batch-mixed.json"));

        Assert.That(events.Select(e => e.GetType()), Is.EqualTo(new[] { typeof(IdentifyEvent), typeof(TrackEvent), typeof(TrackEvent) }));
    }

    [Test]
    public void ParseBatch_MixedBatch_ReadsEachItemsFields()
    {
        var events = SegmentEvent.ParseBatch(Fixtures.Event("batch-mixed.json"));

        Assume.That(events, Has.Count.EqualTo(3));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(events.Select(e => e.UserId), Is.EqualTo(new[] { "019mr8mf4r", "019mr8mf4r", "971mj8mk7p" }));
            Assert.That((string?)((IdentifyEvent)events[0]).Traits["email"], Is.EqualTo("jake@yahoo.com"));
            Assert.That(((TrackEvent)events[1]).Event, Is.EqualTo("Song Played"));
            Assert.That((string?)((TrackEvent)events[1]).Properties["artist"], Is.EqualTo("Dierks Bentley"));
            Assert.That((string?)((TrackEvent)events[2]).Properties["artist"], Is.EqualTo("Jennifer Lopez"));
        }
    }

    [Test]
    public void ParseBatch_InvalidItem_ThrowsNamingItsIndex()
    {
        var batch = """[{"type":"track","event":"a","userId":"u"},{"type":"track","userId":"u"}]"""u8.ToArray();

        var error = Assert.Throws<InvalidEventPayload>(() => SegmentEvent.ParseBatch(batch));

        Assert.That(error.Message, Does.Contain("[1]").And.Contain("\"event\""));
    }

    [Test]
    public void ParseBatch_ObjectRoot_ThrowsNamingArray()
    {
        var error = Assert.Throws<InvalidEventPayload>(() => SegmentEvent.ParseBatch(Fixtures.Event("track.json")));

        Assert.That(error.Message, Does.Contain("must be a JSON array").And.Contain("not an object"));
    }

    // ---- bad inputs -----------------------------------------------------------------------------

    [Test]
    public void BadFixtures_EveryFile_HasAnExpectedError()
    {
        var files = Fixtures.BadFiles().Select(Path.GetFileName).ToList();

        Assert.That(files, Is.EquivalentTo(ExpectedErrors.Keys));
    }

    [TestCaseSource(nameof(BadFixtures))]
    public void Parse_BadFixture_ThrowsInvalidEventPayloadNamingTheProblem(string path)
    {
        var expected = ExpectedErrorFor(path);
        var bytes = Fixtures.Read(path);

        var error = Assert.Throws<InvalidEventPayload>(() => SegmentEvent.Parse(bytes));

        foreach (var part in expected)
        {
            Assert.That(error.Message, Does.Contain(part));
        }
    }

    [TestCaseSource(nameof(BadFixtures))]
    public void ParseAsync_BadFixture_ThrowsInvalidEventPayloadNamingTheProblem(string path)
    {
        var expected = ExpectedErrorFor(path);
        using var stream = File.OpenRead(path);

        var error = Assert.ThrowsAsync<InvalidEventPayload>(() => SegmentEvent.ParseAsync(stream));

        // The stream path says "larger than the limit" without the size it never read.
        string[] parts = Path.GetFileName(path) == "oversize-40kb.json" ? ["limit of 32768 bytes"] : expected;
        foreach (var part in parts)
        {
            Assert.That(error.Message, Does.Contain(part));
        }
    }

    [TestCaseSource(nameof(BadFixtures))]
    public void Parse_BadFixture_ReasonIsBadRequest(string path)
    {
        var bytes = Fixtures.Read(path);

        var error = Assert.Throws<InvalidEventPayload>(() => SegmentEvent.Parse(bytes));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(error.Reason, Is.EqualTo(OutcomeReason.BadRequest));
            Assert.That(error.IsRetryable, Is.False);
        }
    }

    [TestCase("{\"type\":\"track\",\"event\":\"x\",\"userId\":\"u\"} xyz")]
    [TestCase("{\"type\":\"track\",\"event\":\"x\",\"userId\":\"u\"} {}")]
    [TestCase("{\"type\":\"track\",\"event\":\"x\",\"userId\":\"u\"}}")]
    public void Parse_TrailingGarbage_Throws(string json)
    {
        var error = Assert.Throws<InvalidEventPayload>(() => SegmentEvent.Parse(json));

        Assert.That(error.Message, Does.Contain("not valid JSON"));
    }

    [TestCase("{\"type\":\"track\",\"event\":\"\",\"userId\":\"u\"}", "\"event\"")]
    [TestCase("{\"type\":\"track\",\"event\":\"x\",\"userId\":\"\"}", "\"userId\" or an \"anonymousId\"")]
    [TestCase("{\"type\":\"track\",\"event\":\"x\",\"userId\":true}", "\"userId\" must be a string, not a boolean")]
    [TestCase("{\"type\":\"track\",\"event\":\"x\",\"userId\":\"u\",\"timestamp\":1700000000}", "\"timestamp\" must be an ISO-8601 date-time string, not a number")]
    [TestCase("{\"type\":\"track\",\"event\":\"x\",\"userId\":\"u\",\"context\":\"ctx\"}", "\"context\" must be an object, not a string")]
    [TestCase("{\"type\":\"track\",\"event\":\"x\",\"userId\":\"u\",\"context\":[1]}", "\"context\" must be an object, not an array")]
    [TestCase("{\"type\":\"alias\",\"userId\":\"u\"}", "\"previousId\"")]
    [TestCase("\"track\"", "must be a JSON object, not a string")]
    [TestCase("", "not valid JSON")]
    public void Parse_InvalidEvent_ThrowsNamingTheProblem(string json, string expected)
    {
        var error = Assert.Throws<InvalidEventPayload>(() => SegmentEvent.Parse(json));

        Assert.That(error.Message, Does.Contain(expected));
    }

    // ---- entry points ---------------------------------------------------------------------------

    [Test]
    public void Parse_String_ReturnsTrackEvent()
    {
        var json = File.ReadAllText(Path.Combine(Fixtures.EventsDirectory, "track.json"));

        var parsed = SegmentEvent.Parse(json);

        Assert.That(parsed, Is.TypeOf<TrackEvent>().With.Property(nameof(TrackEvent.Event)).EqualTo("Product Added"));
    }

    [Test]
    public void Parse_BytesWithUtf8Bom_ParsesTheEvent()
    {
        var bytes = Utf8Bom.Concat(Fixtures.Event("identify.json")).ToArray();

        var parsed = SegmentEvent.Parse(bytes);

        Assert.That(parsed, Is.TypeOf<IdentifyEvent>().With.Property(nameof(SegmentEvent.UserId)).EqualTo("97980cfea0067"));
    }

    [Test]
    public void Parse_StringWithBom_ParsesTheEvent()
    {
        var parsed = SegmentEvent.Parse("\uFEFF{\"type\":\"track\",\"event\":\"A\",\"userId\":\"u\"}");

        Assert.That(parsed, Is.TypeOf<TrackEvent>().With.Property(nameof(TrackEvent.Event)).EqualTo("A"));
    }

    [Test]
    public async Task ParseAsync_Stream_ParsesTheEvent()
    {
        using var stream = new MemoryStream(Fixtures.Event("group.json"));

        var parsed = await SegmentEvent.ParseAsync(stream);

        Assert.That(parsed, Is.TypeOf<GroupEvent>().With.Property(nameof(GroupEvent.GroupId)).EqualTo("0e8c78ea9d97a7b8185e8632"));
    }

    [Test]
    public async Task ParseAsync_StreamWithBom_ParsesTheEvent()
    {
        using var stream = new MemoryStream(Utf8Bom.Concat(Fixtures.Event("page.json")).ToArray());

        var parsed = await SegmentEvent.ParseAsync(stream);

        Assert.That(parsed, Is.TypeOf<PageEvent>().With.Property(nameof(PageEvent.Name)).EqualTo("Home"));
    }

    [Test]
    public async Task ParseAsync_StreamReturningOneByteAtATime_ParsesTheEvent()
    {
        using var stream = new TrickleStream(Fixtures.Event("track.json"));

        var parsed = await SegmentEvent.ParseAsync(stream);

        Assert.That(parsed, Is.TypeOf<TrackEvent>().With.Property(nameof(SegmentEvent.MessageId)).EqualTo("api-2Ct8Cq3vfPFeJ3xuZWiDjOVhLJ9"));
    }

    [Test]
    public void ParseAsync_OversizeStream_ThrowsInvalidEventPayload()
    {
        using var stream = new MemoryStream(Fixtures.Read(Path.Combine(Fixtures.BadDirectory, "oversize-40kb.json")));

        var error = Assert.ThrowsAsync<InvalidEventPayload>(() => SegmentEvent.ParseAsync(stream));

        Assert.That(error.Message, Does.Contain("limit of 32768 bytes"));
    }

    [Test]
    public void ParseAsync_EndlessStream_StopsReadingJustPastTheLimit()
    {
        var options = new EventParseOptions { MaxEventBytes = 1000 };
        using var stream = new EndlessStream();

        var error = Assert.ThrowsAsync<InvalidEventPayload>(() => SegmentEvent.ParseAsync(stream, options));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(error.Message, Does.Contain("limit of 1000 bytes"));
            // The limit plus room for a byte order mark (3 bytes), plus the one byte that proves the stream is over it.
            Assert.That(stream.BytesRead, Is.LessThanOrEqualTo(1004));
        }
    }

    [Test]
    public void ParseAsync_CancelledToken_Throws()
    {
        using var stream = new MemoryStream(Fixtures.Event("track.json"));
        using var cancellation = new CancellationTokenSource();
        cancellation.Cancel();

        Assert.That(async () => await SegmentEvent.ParseAsync(stream, cancellationToken: cancellation.Token), Throws.InstanceOf<OperationCanceledException>());
    }

    [Test]
    public void ParseAsync_NullStream_ThrowsArgumentNullException()
    {
        Assert.ThrowsAsync<ArgumentNullException>(() => SegmentEvent.ParseAsync(null!));
    }

    // ---- options --------------------------------------------------------------------------------

    [Test]
    public void Parse_MaxEventBytesSmallerThanFixture_Throws()
    {
        var bytes = Fixtures.Event("track.json");
        var options = new EventParseOptions { MaxEventBytes = 512 };

        var error = Assert.Throws<InvalidEventPayload>(() => SegmentEvent.Parse(bytes, options));

        Assert.That(error.Message, Does.Contain($"{bytes.Length} bytes").And.Contain("limit of 512 bytes"));
    }

    [Test]
    public void ParseAsync_MaxEventBytesSmallerThanFixture_Throws()
    {
        using var stream = new MemoryStream(Fixtures.Event("track.json"));
        var options = new EventParseOptions { MaxEventBytes = 512 };

        var error = Assert.ThrowsAsync<InvalidEventPayload>(() => SegmentEvent.ParseAsync(stream, options));

        Assert.That(error.Message, Does.Contain("limit of 512 bytes"));
    }

    [Test]
    public async Task Parse_EventOfExactlyMaxEventBytes_IsAccepted()
    {
        var bytes = EventOfSize(300);
        var options = new EventParseOptions { MaxEventBytes = 300 };
        using var stream = new MemoryStream(bytes);

        var fromBytes = SegmentEvent.Parse(bytes, options);
        var fromStream = await SegmentEvent.ParseAsync(stream, options);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(fromBytes, Is.TypeOf<TrackEvent>());
            Assert.That(fromStream, Is.TypeOf<TrackEvent>());
        }
    }

    [Test]
    public void Parse_EventOneByteOverMaxEventBytes_IsRejected()
    {
        var bytes = EventOfSize(301);
        var options = new EventParseOptions { MaxEventBytes = 300 };
        using var stream = new MemoryStream(bytes);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(() => SegmentEvent.Parse(bytes, options), Throws.TypeOf<InvalidEventPayload>().With.Message.Contains("limit of 300 bytes"));
            Assert.That(async () => await SegmentEvent.ParseAsync(stream, options), Throws.TypeOf<InvalidEventPayload>().With.Message.Contains("limit of 300 bytes"));
        }
    }

    [Test]
    public void Parse_MaxEventBytesLargerThanOversizeFixture_Accepts()
    {
        var bytes = Fixtures.Read(Path.Combine(Fixtures.BadDirectory, "oversize-40kb.json"));
        var options = new EventParseOptions { MaxEventBytes = 64 * 1024 };

        var parsed = SegmentEvent.Parse(bytes, options);

        Assert.That(((TrackEvent)parsed).Properties["blob"]!.GetValue<string>(), Has.Length.GreaterThan(32 * 1024));
    }

    [Test]
    public void Parse_MaxDepth3AndFiveDeepProperties_Throws()
    {
        const string json = """{"type":"track","event":"x","userId":"u","properties":{"a":{"b":{"c":{"d":{}}}}}}""";
        var options = new EventParseOptions { MaxDepth = 3 };

        var error = Assert.Throws<InvalidEventPayload>(() => SegmentEvent.Parse(json, options));

        Assert.That(error.Message, Does.Contain("depth of 3"));
    }

    [Test]
    public void Parse_MaxDepth3AndFlatProperties_Accepts()
    {
        const string json = """{"type":"track","event":"x","userId":"u","properties":{"a":{"b":1}}}""";
        var options = new EventParseOptions { MaxDepth = 3 };

        var parsed = SegmentEvent.Parse(json, options);

        Assert.That((int?)((TrackEvent)parsed).Properties["a"]?["b"], Is.EqualTo(1));
    }

    [Test]
    public void Parse_DeepNestingWithMaxDepth1000_IsStillRejected()
    {
        var bytes = Fixtures.Read(Path.Combine(Fixtures.BadDirectory, "deep-nesting-2000.json"));
        var options = new EventParseOptions { MaxDepth = 1000 };

        // 2000 levels is still over 1000.
        var error = Assert.Throws<InvalidEventPayload>(() => SegmentEvent.Parse(bytes, options));

        Assert.That(error.Message, Does.Contain("depth of 1000"));
    }

    [Test]
    public void EventParseOptions_Default_Is32KbAndDepth64()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(EventParseOptions.Default.MaxEventBytes, Is.EqualTo(32768));
            Assert.That(EventParseOptions.Default.MaxDepth, Is.EqualTo(64));
        }
    }

    // ---- lenient quirks -------------------------------------------------------------------------

    [Test]
    public void Parse_NumericUserId_ReadsItAsText()
    {
        const string json = """{"type":"track","event":"x","userId":12345,"messageId":678}""";

        var parsed = SegmentEvent.Parse(json);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(parsed.UserId, Is.EqualTo("12345"));
            Assert.That(parsed.MessageId, Is.EqualTo("678"));
            AssertJsonEqual(parsed.ToJson(), JsonNode.Parse(json));
        }
    }

    [Test]
    public void Parse_NumericGroupId_ReadsItAsText()
    {
        var parsed = SegmentEvent.Parse("""{"type":"group","groupId":42,"anonymousId":"a"}""");

        Assert.That(((GroupEvent)parsed).GroupId, Is.EqualTo("42"));
    }

    [Test]
    public void Parse_OnlyAnonymousId_Accepts()
    {
        var parsed = SegmentEvent.Parse("""{"type":"identify","anonymousId":"anon-1"}""");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(parsed.AnonymousId, Is.EqualTo("anon-1"));
            Assert.That(parsed.UserId, Is.Null);
        }
    }

    [Test]
    public void Parse_NullTimestampAndBags_ReadsNullAndEmpty()
    {
        var parsed = (TrackEvent)SegmentEvent.Parse("""{"type":"track","event":"x","userId":"u","timestamp":null,"properties":null,"context":null}""");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(parsed.Timestamp, Is.Null);
            Assert.That(parsed.Properties, Is.Not.Null.And.Empty);
            Assert.That(parsed.Context, Is.Not.Null.And.Empty);
        }
    }

    [Test]
    public void Parse_EscapedTypeName_IsRecognized()
    {
        var parsed = SegmentEvent.Parse("""{"\u0074ype":"track","event":"x","userId":"u"}""");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(parsed, Is.TypeOf<TrackEvent>());
            Assert.That(parsed.AdditionalFields, Is.Empty);
        }
    }

    [Test]
    public void Parse_TrackWithPageFields_KeepsThemAsAdditionalFields()
    {
        const string json = """{"type":"track","event":"x","userId":"u","name":"n","traits":{"a":1}}""";

        var parsed = SegmentEvent.Parse(json);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(parsed.AdditionalFields.Select(p => p.Key), Is.EquivalentTo(new[] { "name", "traits" }));
            AssertJsonEqual(parsed.ToJson(), JsonNode.Parse(json));
        }
    }

    // ---- ownership and thread safety ------------------------------------------------------------

    [Test]
    public void Parse_CallerOverwritesBuffer_EventStaysValid()
    {
        var buffer = Fixtures.Event("track.json");
        var parsed = (TrackEvent)SegmentEvent.Parse(buffer);

        Array.Fill(buffer, (byte)0);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(parsed.Event, Is.EqualTo("Product Added"));
            Assert.That(parsed.UserId, Is.EqualTo("user-1234"));
            Assert.That((string?)parsed.Properties["sku"], Is.EqualTo("G-32"));
            Assert.That((string?)parsed.Context["library"]?["name"], Is.EqualTo("analytics-python"));
            AssertJsonEqual(parsed.ToJson(), JsonNode.Parse(Fixtures.Event("track.json")));
        }
    }

    [Test]
    public void ParseBatch_CallerOverwritesBuffer_EventsStayValid()
    {
        var buffer = Fixtures.Event("batch-mixed.json");
        var events = SegmentEvent.ParseBatch(buffer);

        Array.Fill(buffer, (byte)'x');

        Assert.That(events.OfType<TrackEvent>().Select(e => (string?)e.Properties["name"]), Is.EqualTo(new[] { "Fallin for You", "Get Right" }));
    }

    [Test]
    public void Properties_RecordBuiltWithInitializer_IsEmptyObject()
    {
        var track = new TrackEvent { Event = "A", UserId = "u" };

        using (Assert.EnterMultipleScope())
        {
            Assert.That(track.Properties, Is.Not.Null.And.Empty);
            Assert.That(track.Context, Is.Not.Null.And.Empty);
            Assert.That(track.Integrations, Is.Not.Null.And.Empty);
            Assert.That(track.AdditionalFields, Is.Not.Null.And.Empty);
            Assert.That(new IdentifyEvent { UserId = "u" }.Traits, Is.Not.Null.And.Empty);
            Assert.That(new GroupEvent { GroupId = "g", UserId = "u" }.Traits, Is.Not.Null.And.Empty);
        }
    }

    [Test]
    public void Properties_ReadTwice_ReturnsSameInstance()
    {
        var track = new TrackEvent { Event = "A", UserId = "u" };
        var first = track.Properties;
        var second = track.Properties;

        Assert.That(second, Is.SameAs(first));
    }

    [Test]
    public void ToJson_RecordBuiltWithInitializer_WritesSetFields()
    {
        var track = new TrackEvent
        {
            Event = "A",
            UserId = "u",
            Properties = new JsonObject { ["n"] = 1 },
            Timestamp = new DateTimeOffset(2026, 3, 1, 10, 0, 0, TimeSpan.Zero),
        };

        var written = JsonNode.Parse(track.ToJson())!;

        using (Assert.EnterMultipleScope())
        {
            Assert.That((string?)written["type"], Is.EqualTo("track"));
            Assert.That((string?)written["event"], Is.EqualTo("A"));
            Assert.That((string?)written["userId"], Is.EqualTo("u"));
            Assert.That((int?)written["properties"]?["n"], Is.EqualTo(1));
            Assert.That(written["timestamp"]!.GetValue<DateTimeOffset>(), Is.EqualTo(track.Timestamp));
            Assert.That(written.AsObject().ContainsKey("anonymousId"), Is.False);
        }
    }

    [Test]
    public void Properties_ReadFromManyThreads_ReturnsSameInstance()
    {
        const int threads = 8;
        for (var round = 0; round < 20; round++)
        {
            var track = (TrackEvent)SegmentEvent.Parse(Fixtures.Event("track.json"));
            var seen = ReadConcurrently(threads, () => track.Properties);

            Assert.That(seen, Has.All.SameAs(seen[0]), $"round {round}");
            Assert.That((string?)seen[0]["sku"], Is.EqualTo("G-32"));
        }
    }

    [Test]
    public void ContextAndAdditionalFields_ReadFromManyThreads_ReturnSameInstance()
    {
        const int threads = 8;
        for (var round = 0; round < 20; round++)
        {
            var page = SegmentEvent.Parse(Fixtures.Event("quirks-dotnet-local-offset.json"));
            var contexts = ReadConcurrently(threads, () => page.Context);
            var additional = ReadConcurrently(threads, () => page.AdditionalFields);

            Assert.That(contexts, Has.All.SameAs(contexts[0]), $"round {round}");
            Assert.That(additional, Has.All.SameAs(additional[0]), $"round {round}");
        }
    }

    [Test]
    public void UserId_ReadFromManyThreads_ReturnsTheValue()
    {
        var track = SegmentEvent.Parse(Fixtures.Event("track.json"));

        var seen = ReadConcurrently(8, () => track.UserId);

        Assert.That(seen, Has.All.EqualTo("user-1234"));
    }

    // ---- JsonSerializer integration --------------------------------------------------------------

    [Test]
    public void Deserialize_TrackEventFromIdentifyJson_ThrowsInvalidEventPayload()
    {
        var json = File.ReadAllText(Path.Combine(Fixtures.EventsDirectory, "identify.json"));

        var error = Assert.Throws<InvalidEventPayload>(() => JsonSerializer.Deserialize<TrackEvent>(json));

        Assert.That(error.Message, Does.Contain("TrackEvent").And.Contain("identify"));
    }

    [Test]
    public void Deserialize_SegmentEventFromTrackJson_ReturnsTrackEvent()
    {
        var json = File.ReadAllText(Path.Combine(Fixtures.EventsDirectory, "track.json"));

        var parsed = JsonSerializer.Deserialize<SegmentEvent>(json);

        Assert.That(parsed, Is.TypeOf<TrackEvent>().With.Property(nameof(TrackEvent.Event)).EqualTo("Product Added"));
    }

    [Test]
    public void Deserialize_TrackEventFromTrackJson_RoundTrips()
    {
        var json = File.ReadAllText(Path.Combine(Fixtures.EventsDirectory, "quirks-csharp-sdk-track.json"));

        var parsed = JsonSerializer.Deserialize<TrackEvent>(json);

        Assert.That(parsed, Is.Not.Null);
        AssertJsonEqual(JsonSerializer.Serialize(parsed), JsonNode.Parse(json));
    }

    [Test]
    public void Deserialize_EventInsideAnotherObject_ReadsIt()
    {
        var json = "{\"events\":[" + File.ReadAllText(Path.Combine(Fixtures.EventsDirectory, "alias.json")) + "]}";

        var parsed = JsonSerializer.Deserialize<Dictionary<string, List<SegmentEvent>>>(json);

        Assert.That(parsed?["events"].Single(), Is.TypeOf<AliasEvent>().With.Property(nameof(AliasEvent.PreviousId)).EqualTo("39239-239239-239239-23923"));
    }

    [Test]
    public void Deserialize_InvalidEvent_ThrowsInvalidEventPayload()
    {
        var json = File.ReadAllText(Path.Combine(Fixtures.BadDirectory, "missing-type.json"));

        var error = Assert.Throws<InvalidEventPayload>(() => JsonSerializer.Deserialize<SegmentEvent>(json));

        Assert.That(error.Message, Does.Contain("has no \"type\""));
    }

    // ---- expectations per fixture ---------------------------------------------------------------

    private static void CheckAlias(SegmentEvent parsed)
    {
        var alias = (AliasEvent)parsed;
        Assert.That(alias.PreviousId, Is.EqualTo("39239-239239-239239-23923"));
        Assert.That(alias.UserId, Is.EqualTo("507f191e81"));
        Assert.That(alias.AnonymousId, Is.EqualTo("507f191e810c19729de860ea"));
        Assert.That(alias.MessageId, Is.EqualTo("022bb90c-bbac-11e4-8dfc-aa07a5b093db"));
        Assert.That((string?)alias.Context["ip"], Is.EqualTo("8.8.8.8"));
        Assert.That((string?)alias.Context["library"]?["version"], Is.EqualTo("6.2.0"));
        Assert.That(alias.Integrations, Is.Empty);
        Assert.That(alias.ReceivedAt, Is.EqualTo(Utc(2015, 2, 23, 22, 28, 55, 387)));
        Assert.That(alias.SentAt, Is.EqualTo(Utc(2015, 2, 23, 22, 28, 55, 111)));
        Assert.That(alias.Version, Is.EqualTo("2"));
        Assert.That(alias.Channel, Is.Null);
        Assert.That(alias.MessageType, Is.EqualTo(SegmentEventType.Alias));
    }

    private static void CheckDelete(SegmentEvent parsed)
    {
        Assert.That(parsed.MessageType, Is.EqualTo(SegmentEventType.Delete));
        Assert.That(parsed.Channel, Is.EqualTo("server"));
        Assert.That(parsed.MessageId, Is.EqualTo("delete-022bb90c-bbac-11e4-8dfc-aa07a5b093db"));
        Assert.That(parsed.UserId, Is.EqualTo("5678"));
        Assert.That(parsed.AnonymousId, Is.Null);
        // `"context":[]` and `"integrations":[]` read as empty objects.
        Assert.That(parsed.Context, Is.Not.Null.And.Empty);
        Assert.That(parsed.Integrations, Is.Not.Null.And.Empty);
        Assert.That(parsed.SentAt, Is.EqualTo(Utc(2019, 2, 19, 21, 58, 54, 387)));
        Assert.That(parsed.Timestamp, Is.EqualTo(Utc(2019, 2, 19, 23, 58, 54, 387)));
        Assert.That(parsed.Version, Is.Null);
        Assert.That((string?)parsed.AdditionalFields["projectId"], Is.EqualTo("abcd123"));
    }

    private static void CheckGroup(SegmentEvent parsed)
    {
        var group = (GroupEvent)parsed;
        Assert.That(group.GroupId, Is.EqualTo("0e8c78ea9d97a7b8185e8632"));
        Assert.That(group.UserId, Is.EqualTo("97980cfea0067"));
        Assert.That((string?)group.Traits["name"], Is.EqualTo("Initech"));
        Assert.That((int?)group.Traits["employees"], Is.EqualTo(329));
        Assert.That((int?)group.Traits["total billed"], Is.EqualTo(830));
        Assert.That((bool?)group.Integrations["All"], Is.True);
        Assert.That((bool?)group.Integrations["Mixpanel"], Is.False);
        Assert.That((string?)group.Context["library"]?["name"], Is.EqualTo("analytics-ruby"));
        Assert.That(group.Version, Is.EqualTo("2"));
        Assert.That(group.OriginalTimestamp, Is.EqualTo(Utc(2015, 2, 23, 22, 28, 55, 111)));
    }

    private static void CheckIdentify(SegmentEvent parsed)
    {
        var identify = (IdentifyEvent)parsed;
        Assert.That(identify.UserId, Is.EqualTo("97980cfea0067"));
        Assert.That(identify.Channel, Is.EqualTo("browser"));
        Assert.That((string?)identify.Traits["email"], Is.EqualTo("peter@example.com"));
        Assert.That((int?)identify.Traits["logins"], Is.EqualTo(5));
        Assert.That((string?)identify.Traits["address"]?["city"], Is.EqualTo("San Francisco"));
        Assert.That((string?)identify.Context["locale"], Is.EqualTo("nl-NL"));
        Assert.That((string?)identify.Context["page"]?["title"], Is.EqualTo("Analytics Academy"));
        Assert.That((bool?)identify.Integrations["All"], Is.True);
        // "version":"1.1" is a string in the JSON.
        Assert.That(identify.Version, Is.EqualTo("1.1"));
        Assert.That(identify.Timestamp, Is.EqualTo(Utc(2015, 2, 23, 22, 28, 55, 111)));
        Assert.That(identify.ReceivedAt, Is.EqualTo(Utc(2015, 2, 23, 22, 28, 55, 387)));
    }

    private static void CheckPage(SegmentEvent parsed)
    {
        var page = (PageEvent)parsed;
        Assert.That(page.Name, Is.EqualTo("Home"));
        Assert.That(page.Category, Is.EqualTo("Docs"));
        Assert.That(page.MessageId, Is.EqualTo("ajs-f8ca1e4de5024d9430b3928bd8ac6b96"));
        Assert.That(page.AnonymousId, Is.EqualTo("507f191e810c19729de860ea"));
        Assert.That((string?)page.Properties["title"], Is.EqualTo("Welcome | Initech"));
        Assert.That((string?)page.Properties["referrer"], Is.EqualTo("https://google.com"));
        Assert.That((string?)page.Context["ip"], Is.EqualTo("108.0.78.21"));
        Assert.That((string?)page.Context["page"]?["path"], Is.EqualTo("/academy/"));
        Assert.That(page.Timestamp, Is.EqualTo(Utc(2015, 12, 10, 4, 8, 31, 905)));
        Assert.That(page.OriginalTimestamp, Is.EqualTo(Utc(2015, 12, 10, 4, 8, 31, 577)));
        Assert.That(page.Version, Is.EqualTo("2"));
    }

    private static void CheckCSharpSdkTrack(SegmentEvent parsed)
    {
        var track = (TrackEvent)parsed;
        Assert.That(track.Event, Is.EqualTo("Checkout Started"));
        // "userId":null
        Assert.That(track.UserId, Is.Null);
        Assert.That(track.AnonymousId, Is.EqualTo("d2b3c4e5-0000-4a1b-9c8d-112233445566"));
        Assert.That(track.MessageId, Is.EqualTo("0b5d1f0e-5c3a-4b8e-a1f2-9d8c7b6a5f4e"));
        // Seven fractional digits: 0.1234567 s, every tick kept.
        Assert.That(track.Timestamp, Is.EqualTo(new DateTimeOffset(2026, 3, 1, 9, 15, 30, TimeSpan.Zero).AddTicks(1_234_567)));
        Assert.That(track.Timestamp?.Offset, Is.EqualTo(TimeSpan.Zero));
        // context.os is a string here, not the usual object.
        Assert.That(track.Context["os"]?.GetValueKind(), Is.EqualTo(JsonValueKind.String));
        Assert.That((string?)track.Context["os"], Is.EqualTo("Unix 6.1.0.0"));
        Assert.That((string?)track.Context["library"]?["name"], Is.EqualTo("Analytics-CSharp"));
        Assert.That((decimal?)track.Properties["revenue"], Is.EqualTo(25.00m));
        Assert.That((string?)track.Properties["products"]?[0]?["sku"], Is.EqualTo("45790-32"));
        Assert.That(track.Version, Is.Null);
        Assert.That(track.AdditionalFields.ContainsKey("metrics"), Is.True);
        Assert.That(track.AdditionalFields["metrics"], Is.Null);
        Assert.That(track.AdditionalFields["_metadata"]?["bundled"], Is.TypeOf<JsonArray>());
    }

    private static void CheckDotnetLocalOffset(SegmentEvent parsed)
    {
        var page = (PageEvent)parsed;
        Assert.That(page.Name, Is.EqualTo("Pricing"));
        Assert.That(page.Category, Is.Null);
        Assert.That(page.UserId, Is.EqualTo("u-42"));
        Assert.That(page.MessageId, Is.EqualTo("m-42"));
        // The +01:00 offset is kept, not converted to UTC.
        Assert.That(page.Timestamp, Is.EqualTo(new DateTimeOffset(2026, 3, 1, 10, 15, 30, 123, TimeSpan.FromHours(1))));
        Assert.That(page.Timestamp?.Offset, Is.EqualTo(TimeSpan.FromHours(1)));
        Assert.That(page.Timestamp?.UtcDateTime, Is.EqualTo(new DateTime(2026, 3, 1, 9, 15, 30, 123, DateTimeKind.Utc)));
        Assert.That(page.SentAt, Is.EqualTo(new DateTimeOffset(2026, 3, 1, 10, 15, 31, TimeSpan.FromHours(1))));
        Assert.That(page.SentAt?.Offset, Is.EqualTo(TimeSpan.FromHours(1)));
        Assert.That(page.OriginalTimestamp, Is.Null);
        Assert.That((string?)page.Properties["path"], Is.EqualTo("/pricing"));
        Assert.That((string?)page.Context["library"]?["name"], Is.EqualTo("Analytics.NET"));
        Assert.That(page.Version, Is.EqualTo("1.1"));
        Assert.That((bool?)page.AdditionalFields["extraTopLevel"]?["kept"], Is.True);
    }

    private static void CheckScreen(SegmentEvent parsed)
    {
        var screen = (ScreenEvent)parsed;
        Assert.That(screen.Name, Is.EqualTo("Home"));
        Assert.That(screen.Category, Is.EqualTo("Main"));
        Assert.That(screen.Channel, Is.EqualTo("mobile"));
        Assert.That(screen.AnonymousId, Is.EqualTo("3a12eab0-bca7-11e4-8dfc-aa07a5b093db"));
        Assert.That((string?)screen.Properties["Feed Type"], Is.EqualTo("private"));
        Assert.That((string?)screen.Context["os"]?["name"], Is.EqualTo("iPhone OS"));
        Assert.That((string?)screen.Context["device"]?["model"], Is.EqualTo("iPhone7,2"));
        Assert.That((int?)screen.Context["screen"]?["width"], Is.EqualTo(320));
        Assert.That((bool?)screen.Context["network"]?["wifi"], Is.True);
        Assert.That(screen.Timestamp, Is.EqualTo(Utc(2015, 12, 12, 19, 11, 1, 249)));
        Assert.That(screen.Version, Is.EqualTo("2"));
    }

    private static void CheckTrack(SegmentEvent parsed)
    {
        var track = (TrackEvent)parsed;
        Assert.That(track.Event, Is.EqualTo("Product Added"));
        Assert.That(track.UserId, Is.EqualTo("user-1234"));
        Assert.That(track.AnonymousId, Is.EqualTo("83191e74-072c-463a-8046-80c6eeaf39a"));
        Assert.That(track.MessageId, Is.EqualTo("api-2Ct8Cq3vfPFeJ3xuZWiDjOVhLJ9"));
        Assert.That(track.Channel, Is.EqualTo("server"));
        Assert.That(track.WriteKey, Is.EqualTo("abc123"));
        // "version":2 is a number in the JSON.
        Assert.That(track.Version, Is.EqualTo("2"));
        Assert.That((string?)track.Properties["sku"], Is.EqualTo("G-32"));
        Assert.That((double?)track.Properties["price"], Is.EqualTo(18.99));
        Assert.That((int?)track.Properties["quantity"], Is.EqualTo(1));
        Assert.That((string?)track.Context["protocols"]?["sourceId"], Is.EqualTo("33PZBIVH0"));
        Assert.That((string?)track.Context["timezone"], Is.EqualTo("Europe/Amsterdam"));
        Assert.That(track.Integrations, Is.Empty);
        Assert.That(track.Timestamp, Is.EqualTo(Utc(2024, 1, 5, 14, 22, 12, 414)));
        Assert.That(track.OriginalTimestamp, Is.EqualTo(Utc(2024, 1, 5, 14, 22, 12, 122)));
        Assert.That(track.SentAt, Is.EqualTo(Utc(2024, 1, 5, 14, 22, 12, 920)));
        Assert.That(track.ReceivedAt, Is.EqualTo(Utc(2024, 1, 5, 14, 22, 13, 212)));
    }

    // ---- helpers --------------------------------------------------------------------------------

    private static (Type Type, Action<SegmentEvent> Check) ExpectationFor(string path)
    {
        var name = Path.GetFileName(path);
        if (!Expected.TryGetValue(name, out var expected))
        {
            Assert.Fail($"No expectations for the events fixture {name}; add them to {nameof(Expected)}.");
        }

        return expected;
    }

    private static string[] ExpectedErrorFor(string path)
    {
        var name = Path.GetFileName(path);
        if (!ExpectedErrors.TryGetValue(name, out var expected))
        {
            Assert.Fail($"No expected error for the bad fixture {name}; add it to {nameof(ExpectedErrors)}.");
        }

        return expected!;
    }

    private static DateTimeOffset Utc(int year, int month, int day, int hour, int minute, int second, int millisecond) =>
        new(year, month, day, hour, minute, second, millisecond, TimeSpan.Zero);

    private static void AssertJsonEqual(string actualJson, JsonNode? expected)
    {
        var actual = JsonNode.Parse(actualJson);
        Assert.That(JsonNode.DeepEquals(actual, expected), Is.True, $"Expected {expected?.ToJsonString()}{Environment.NewLine}but was  {actual?.ToJsonString()}");
    }

    /// <summary>A track event whose UTF-8 JSON is exactly <paramref name="size"/> bytes.</summary>
    private static byte[] EventOfSize(int size)
    {
        const string prefix = "{\"type\":\"track\",\"event\":\"x\",\"userId\":\"u\",\"properties\":{\"pad\":\"";
        const string suffix = "\"}}";
        var json = prefix + new string('p', size - prefix.Length - suffix.Length) + suffix;
        var bytes = Encoding.UTF8.GetBytes(json);
        Assume.That(bytes, Has.Length.EqualTo(size));
        return bytes;
    }

    /// <summary>Runs <paramref name="read"/> on several threads released together; returns what each saw.</summary>
    private static T[] ReadConcurrently<T>(int threadCount, Func<T> read)
    {
        var results = new T[threadCount];
        using var barrier = new Barrier(threadCount);
        var threads = Enumerable.Range(0, threadCount).Select(i => new Thread(() =>
        {
            barrier.SignalAndWait();
            results[i] = read();
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        return results;
    }

    /// <summary>Returns its bytes one at a time, as a slow network read does.</summary>
    private sealed class TrickleStream(byte[] bytes) : Stream
    {
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_position >= bytes.Length || count == 0)
            {
                return 0;
            }

            buffer[offset] = bytes[_position++];
            return 1;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    /// <summary>A stream that never ends; counts what was read from it.</summary>
    private sealed class EndlessStream : Stream
    {
        public long BytesRead { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            Array.Fill(buffer, (byte)' ', offset, count);
            BytesRead += count;
            return count;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
