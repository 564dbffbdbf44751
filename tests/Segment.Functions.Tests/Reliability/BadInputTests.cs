using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Segment.Functions.Delivery;
using Segment.Functions.Hosting;
using Segment.Functions.Tests.Hosting;
using Segment.Functions.Tests.Ingestion;

namespace Segment.Functions.Tests.Reliability;

/// <summary>
/// Bad input (issue "Reliability and security", item 3): the bad fixtures under tests/fixtures plus a seeded corpus
/// of mutations of the valid fixture events. Every input is either accepted and ends in a delivery
/// record, or answered Invalid with a reason and recorded under <see cref="DeliveryRecord.RejectedInput"/>;
/// nothing throws, nothing hangs, and the host and the HTTP endpoint keep serving afterwards.
/// </summary>
public sealed class BadInputTests
{
    private const int Seed = 20_260_301;
    private const int Mutations = 10_000;
    private const int HttpSample = 2_000;
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(30);
    private static readonly Lazy<IReadOnlyList<BadInput>> Corpus = new(() => CorpusBuilder.Build(Seed, Mutations));

    /// <summary>One input of the corpus: what was done to which fixture, and the bytes.</summary>
    private sealed record BadInput(string What, byte[] Bytes)
    {
        public override string ToString()
        {
            var text = Encoding.UTF8.GetString(Bytes.AsSpan(0, Math.Min(Bytes.Length, 160)));
            return $"{What} ({Bytes.Length} bytes: {text.ReplaceLineEndings(" ")}{(Bytes.Length > 160 ? "…" : "")})";
        }
    }

    // What each bad fixture's error must name; a fixture added later without an entry must still be rejected with a reason.
    private static readonly Dictionary<string, string[]> ExpectedReasons = new(StringComparer.Ordinal)
    {
        ["array-root.json"] = ["array"],
        ["bad-timestamp.json"] = ["timestamp"],
        ["deep-nesting-2000.json"] = ["depth"],
        ["group-without-groupId.json"] = ["groupId"],
        ["missing-type.json"] = ["type"],
        ["no-user-or-anonymous-id.json"] = ["userId", "anonymousId"],
        ["not-json.txt"] = ["not valid JSON"],
        ["oversize-40kb.json"] = ["MaxEventBytes"],
        ["properties-not-object.json"] = ["properties"],
        ["track-without-event.json"] = ["event"],
        ["truncated.json"] = ["not valid JSON"],
        ["type-is-number.json"] = ["type", "a number"],
        ["unknown-type.json"] = ["type", "purchase"],
    };

    public static IEnumerable<TestCaseData> BadFixtures() =>
        Fixtures.BadFiles().Select(f => new TestCaseData(Path.GetFileName(f)).SetArgDisplayNames(Path.GetFileName(f)));

    [TestCaseSource(nameof(BadFixtures))]
    public async Task BadFixture_IsAnsweredInvalidNamingTheProblem_AndRecorded(string file)
    {
        var store = new RecordingStore();
        await using var host = await TestHost.StartAsync(
            null,
            b => b.AddDestination<ProbeFunction, ProbeSettings>("Probe", _ => { }),
            services => services.AddSingleton<IDeliveryStore>(store));
        var bytes = Fixtures.Read(Path.Combine(Fixtures.BadDirectory, file));

        var result = await host.Functions.SendAsync(bytes).AsTask().WaitAsync(Guard);
        await host.SettleAsync();

        if (file == "bad-timestamp.json" && result.IsAccepted)
        {
            // The fixtures allow a documented lenient choice for this one: then it is delivered like any event.
            Assert.That(host.Records("Probe").Single().State, Is.EqualTo(DeliveryState.Delivered));
            return;
        }

        Assert.That(result.Status, Is.EqualTo(SendStatus.Invalid), result.Error);
        Assert.That(result.Error, Is.Not.Null.And.Not.Empty);
        foreach (var word in ExpectedReasons.GetValueOrDefault(file, []))
        {
            Assert.That(result.Error, Does.Contain(word), "the reason names what is wrong");
        }

        var rejected = host.Records(DeliveryRecord.RejectedInput).Single();
        Assert.That((rejected.State, rejected.Reason), Is.EqualTo((DeliveryState.Discarded, OutcomeReason.BadRequest)));
        Assert.That(rejected.Error!.Message, Is.EqualTo(result.Error));
        Assert.That(host.Records("Probe"), Is.Empty);
        var thrown = Assert.Throws<InvalidEventPayload>(() => SegmentEvent.Parse(bytes))!;
        Assert.That(thrown.Message, Is.EqualTo(result.Error), "SegmentEvent.Parse and the host give the same reason");
    }

    [Test]
    public void Corpus_IsLargeAndVaried()
    {
        var corpus = Corpus.Value;
        var kinds = corpus.Select(Kind).ToHashSet(StringComparer.Ordinal);

        Assert.That(corpus.Count(i => i.What.StartsWith('#')), Is.GreaterThanOrEqualTo(Mutations));
        Assert.That(kinds, Is.SupersetOf(new[] { "truncate", "flip", "huge", "deep", "utf8", "duplicate", "token", "bom", "trailing", "empty", "whitespace", "escape" }));
        Assert.That(corpus.Select(i => Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(i.Bytes))).Distinct().Count(), Is.GreaterThan(Mutations / 2), "mostly distinct inputs");
        Assert.That(CorpusBuilder.Build(Seed, 50).Select(i => i.Bytes), Is.EqualTo(corpus.Take(50 + CorpusBuilder.FixedInputs).Select(i => i.Bytes)), "seeded: the same corpus every run");
    }

    [TestCase(@"\ud83d\ude00", true)]
    [TestCase(@"\uD83D\uDE00", true)]
    [TestCase(@"\\ud800", true)] // an escaped backslash, then plain text
    [TestCase(@"a\u00e9\u0041b", true)]
    [TestCase(@"\ud800", false)]
    [TestCase(@"x\udc00", false)]
    [TestCase(@"\ud83d\u0041", false)]
    [TestCase(@"\ud83d\\ude00", false)]
    [TestCase(@"\ude00\ud83d", false)]
    public void Parse_SurrogateEscapes_PairsAreTextAndLoneHalvesAreInvalid(string escaped, bool valid)
    {
        var json = $$"""{"type":"track","userId":"u","event":"e","messageId":"{{escaped}}"}""";
        var batch = $$"""[{"type":"track","userId":"u","event":"ok"},{{json}}]""";

        if (valid)
        {
            Assert.That(SegmentEvent.Parse(json).MessageId, Is.EqualTo(JsonNode.Parse(json)!["messageId"]!.GetValue<string>()));
            Assert.That(SegmentEvent.ParseBatch(Encoding.UTF8.GetBytes(batch)), Has.Count.EqualTo(2));
        }
        else
        {
            Assert.That(() => SegmentEvent.Parse(json), Throws.TypeOf<InvalidEventPayload>().With.Message.Contains("surrogate"));
            Assert.That(() => SegmentEvent.ParseBatch(Encoding.UTF8.GetBytes(batch)), Throws.TypeOf<InvalidEventPayload>().With.Message.Contains("Event [1]").And.Message.Contains("surrogate"));
        }
    }

    [Test]
    public void Parse_Corpus_ThrowsOnlyInvalidEventPayload_AndWhatItAcceptsIsReadable()
    {
        var failures = new List<string>();
        var accepted = 0;
        foreach (var input in Corpus.Value)
        {
            SegmentEvent parsed;
            try
            {
                parsed = SegmentEvent.Parse(input.Bytes);
            }
            catch (InvalidEventPayload e)
            {
                if (string.IsNullOrWhiteSpace(e.Message) || input.What.EndsWith("(valid)", StringComparison.Ordinal))
                {
                    failures.Add($"{input}: InvalidEventPayload \"{e.Message}\"");
                }

                continue;
            }
            catch (Exception e)
            {
                failures.Add($"{input}: threw {e.GetType().FullName}: {e.Message}");
                continue;
            }

            accepted++;
            try
            {
                ReadEverything(parsed);
                if (input.What.EndsWith("(valid)", StringComparison.Ordinal) && parsed.Type != "track")
                {
                    failures.Add($"{input}: parsed as {parsed.Type}");
                }

                var again = SegmentEvent.Parse(parsed.ToJson());
                if (again.Type != parsed.Type || again.MessageId != parsed.MessageId)
                {
                    failures.Add($"{input}: the round trip changed type or messageId");
                }
            }
            catch (Exception e)
            {
                failures.Add($"{input}: accepted, but reading or writing it back threw {e.GetType().FullName}: {e.Message}");
            }
        }

        Assert.That(accepted, Is.InRange(500, Corpus.Value.Count - 2_000), "the corpus holds both valid and invalid input");
        Assert.That(failures, Is.Empty, Summary(failures));
    }

    [Test]
    public async Task SendAsync_Corpus_EveryInputIsAcceptedAndDeliveredOrInvalidAndRecorded_AndTheHostKeepsServing()
    {
        var store = new RecordingStore();
        await using var host = await TestHost.StartAsync(
            null,
            b => b.AddDestination<ProbeFunction, ProbeSettings>("Probe", _ => { }),
            services => services.AddSingleton<IDeliveryStore>(store));
        var failures = new List<string>();
        int invalid = 0, accepted = 0, routed = 0;

        foreach (var input in Corpus.Value)
        {
            SendResult result;
            try
            {
                var sending = host.Functions.SendAsync(input.Bytes);
                result = sending.IsCompleted ? sending.Result : await sending.AsTask().WaitAsync(Guard);
            }
            catch (Exception e)
            {
                failures.Add($"{input}: SendAsync threw {e.GetType().FullName}: {e.Message}");
                continue;
            }

            string? parseError;
            try
            {
                SegmentEvent.Parse(input.Bytes);
                parseError = null;
            }
            catch (InvalidEventPayload e)
            {
                parseError = e.Message;
            }
            catch (Exception e)
            {
                parseError = $"{e.GetType().Name}: {e.Message}";
            }

            switch (result.Status)
            {
                case SendStatus.Invalid when !string.IsNullOrWhiteSpace(result.Error):
                    invalid++;
                    if (input.What.EndsWith("(valid)", StringComparison.Ordinal))
                    {
                        failures.Add($"{input}: a valid event was answered Invalid \"{result.Error}\"");
                    }

                    if (result.Error != parseError)
                    {
                        failures.Add($"{input}: the host answered Invalid \"{result.Error}\" but SegmentEvent.Parse says {(parseError is null ? "it is valid" : $"\"{parseError}\"")}");
                    }

                    break;
                case SendStatus.Accepted:
                    accepted++;
                    routed += result.Routed;
                    if (parseError is not null)
                    {
                        failures.Add($"{input}: the host accepted it but SegmentEvent.Parse threw \"{parseError}\"");
                    }

                    break;
                default:
                    failures.Add($"{input}: answered {result.Status} with error \"{result.Error}\"");
                    break;
            }
        }

        await host.SettleAsync();

        Assert.That(failures, Is.Empty, Summary(failures));
        Assert.That(invalid + accepted, Is.EqualTo(Corpus.Value.Count), "every input is answered Accepted or Invalid");
        Assert.That(invalid, Is.GreaterThan(2_000), "the corpus is mostly invalid");
        Assert.That(accepted, Is.GreaterThan(500), "and some of it is valid");
        Assert.That(store.Counts(DeliveryRecord.RejectedInput).DiscardedTotal, Is.EqualTo(invalid), "one rejected-input record per Invalid answer");
        Assert.That(store.TerminalEvents(DeliveryRecord.RejectedInput), Is.EqualTo(invalid));
        Assert.That(host.Functions.GetStatus("Probe").Pending, Is.Zero);
        Assert.That(store.TerminalEvents("Probe"), Is.EqualTo(routed), "every accepted event ends in a final record at the destination it was routed to");
        Assert.That(store.TerminalRecordsPerEvent, Is.All.EqualTo(1), "exactly one final record per event");
        var notDelivered = store.Recent("Probe", int.MaxValue).Where(r => r.State != DeliveryState.Delivered).Select(r => $"{r.MessageId}: {r.State} {r.Error}").ToArray();
        Assert.That(notDelivered, Is.Empty, "the probe takes every valid event");

        // The host still serves.
        var after = await host.SendJsonAsync(TestEvents.TrackJson(424_242)).AsTask().WaitAsync(Guard);
        Assert.That((after.Status, after.Routed), Is.EqualTo((SendStatus.Accepted, 1)));
        await store.WhenTerminal("Probe", routed + 1);
        var last = store.Recent("Probe", 1).Single();
        Assert.That((last.MessageId, last.State), Is.EqualTo(("m-424242", DeliveryState.Delivered)));
    }

    [Test]
    public async Task Ingestion_CorpusSample_IsAnswered200Or400_AndTheServerKeepsServing()
    {
        await using var server = await IngestionServer.StartAsync(_ => { });
        var sample = Corpus.Value.Where((_, i) => i < CorpusBuilder.FixedInputs || i % (Corpus.Value.Count / HttpSample) == 0).ToArray();
        string[] singlePaths = ["/v1/track", "/v1/identify", "/v1/page", "/v1/screen", "/v1/group", "/v1/alias", "/v1/t", "/v1/i"];
        var failures = new List<string>();
        var failedKinds = new List<string>();
        var requests = 0;

        async Task PostAsync(string path, byte[] body, string what, IEnumerable<BadInput> inputs)
        {
            requests++;
            using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            HttpResponseMessage response;
            try
            {
                response = await server.Client.SendAsync(request).WaitAsync(Guard);
            }
            catch (Exception e)
            {
                failures.Add($"POST {path} {what}: {e.GetType().Name}: {e.Message}");
                return;
            }

            using (response)
            {
                var text = await response.Content.ReadAsStringAsync();
                if (response.StatusCode is not (HttpStatusCode.OK or HttpStatusCode.BadRequest))
                {
                    failures.Add($"POST {path} {what}: {(int)response.StatusCode} {text[..Math.Min(text.Length, 300)]}");
                    failedKinds.AddRange(inputs.Select(Kind));
                    return;
                }

                JsonObject? answer;
                try
                {
                    answer = JsonNode.Parse(text) as JsonObject;
                }
                catch (JsonException)
                {
                    answer = null;
                }

                var ok = response.StatusCode == HttpStatusCode.OK
                    ? (bool?)answer?["success"] == true
                    : !string.IsNullOrEmpty((string?)answer?["code"]) && !string.IsNullOrEmpty((string?)answer?["message"]);
                if (!ok)
                {
                    failures.Add($"POST {path} {what}: {(int)response.StatusCode} without the documented body: {text}");
                }
            }
        }

        var batch = new List<BadInput>();
        for (var i = 0; i < sample.Length; i++)
        {
            if (i % 2 == 0)
            {
                await PostAsync(singlePaths[i / 2 % singlePaths.Length], sample[i].Bytes, sample[i].ToString(), [sample[i]]);
                continue;
            }

            batch.Add(sample[i]);
            if (batch.Count == 5 || i == sample.Length - 1)
            {
                // Alternately the SDK's envelope and a bare array (as Segment's Webhooks (Actions) destination sends).
                var items = Join(batch.Select(b => b.Bytes));
                var body = i / 2 % 2 == 0 ? [.. """{"sentAt":"2026-03-04T05:06:00Z","context":{"ip":"203.0.113.9"},"batch":["""u8, .. items, .. "]}"u8] : (byte[])[(byte)'[', .. items, (byte)']'];
                await PostAsync("/v1/batch", body, string.Join(" + ", batch.Select(b => b.What)), batch);
                batch.Clear();
            }
        }

        await server.SettleAsync();

        Assert.That(sample, Has.Length.GreaterThanOrEqualTo(HttpSample));
        Assert.That(requests, Is.GreaterThan(1_000));
        var byKind = string.Join(", ", failedKinds.GroupBy(k => k).OrderByDescending(g => g.Count()).Select(g => $"{g.Key} {g.Count()}"));
        Assert.That(failures, Is.Empty, $"inputs in failed requests, by kind: {byKind}{Environment.NewLine}{Summary(failures)}");
        using var healthy = await server.PostAsync("/v1/track", """{"userId":"u-after","event":"Still Serving","messageId":"after-corpus"}""");
        Assert.That(healthy.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((int?)JsonNode.Parse(await healthy.Content.ReadAsStringAsync())!["accepted"], Is.EqualTo(1));
        await server.SettleAsync();
        Assert.That(server.A.Singles.Select(e => e.MessageId), Does.Contain("after-corpus"));
        Assert.That(server.Functions.GetStatus("A").Pending + server.Functions.GetStatus("B").Pending, Is.Zero);
    }

    private static byte[] Join(IEnumerable<byte[]> items)
    {
        var joined = new List<byte>();
        foreach (var item in items)
        {
            if (joined.Count > 0)
            {
                joined.Add((byte)',');
            }

            joined.AddRange(item);
        }

        return [.. joined];
    }

    private static void ReadEverything(SegmentEvent e)
    {
        _ = (e.Type, e.MessageType, e.MessageId, e.UserId, e.AnonymousId, e.Timestamp, e.OriginalTimestamp, e.SentAt, e.ReceivedAt);
        _ = (e.Context.Count, e.Integrations.Count, e.Channel, e.Version, e.WriteKey, e.AdditionalFields.Count);
        _ = e switch
        {
            TrackEvent t => (object)(t.Event, t.Properties.ToJsonString()),
            PageEvent p => (p.Name, p.Category, p.Properties.ToJsonString()),
            ScreenEvent s => (s.Name, s.Category, s.Properties.ToJsonString()),
            IdentifyEvent i => i.Traits.ToJsonString(),
            GroupEvent g => (g.GroupId, g.Traits.ToJsonString()),
            AliasEvent a => a.PreviousId,
            _ => e.Type,
        };
        _ = (e.Context.ToJsonString(), e.Integrations.ToJsonString(), e.AdditionalFields.ToJsonString());
    }

    private static string Kind(BadInput input) => input.What.Split(' ')[1];

    private static string Summary(List<string> failures) =>
        failures.Count == 0 ? "" : $"{failures.Count} failure(s); the first ones:{Environment.NewLine}{string.Join(Environment.NewLine, failures.Take(25))}";

    /// <summary>Builds the corpus: the bad fixtures, a few fixed inputs, then seeded mutations of the valid fixture events.</summary>
    private static class CorpusBuilder
    {
        private const string Placeholder = "@@raw-value-7f3a@@";
        private static readonly byte[] PlaceholderBytes = Encoding.UTF8.GetBytes($"\"{Placeholder}\"");
        private static readonly byte[] Bom = [0xEF, 0xBB, 0xBF];
        private static readonly string[] BriefFields = ["type", "userId", "event", "timestamp", "context", "properties"];
        private static readonly string[] AllFields =
        [
            "type", "userId", "anonymousId", "messageId", "event", "timestamp", "originalTimestamp", "sentAt", "receivedAt", "context",
            "properties", "traits", "integrations", "groupId", "previousId", "name", "category", "channel", "version", "writeKey",
        ];

        private static readonly string[] StringFields =
            ["type", "userId", "anonymousId", "messageId", "event", "groupId", "previousId", "name", "category", "channel", "version", "writeKey"];

        private static readonly string[][] ValuesByKind =
        [
            ["\"\"", "\"track\"", "\"identify\"", "\"x\"", "\"2026-01-01T00:00:00Z\"", "\"not a date\"", "\"日本語 😀\"", "\"   \"", "\"null\"", "\"\\u0000\""],
            ["0", "-1", "3.14", "1e308", "-1e-308", "12345678901234567890123", "1E+2", "-0", "1e999"],
            ["{}", "{\"a\":1}", "{\"type\":\"track\"}", "{\"All\":false}", "{\"\":null}", "{\"a\":{\"b\":[1,{\"c\":null}]}}"],
            ["[]", "[1,\"a\"]", "[{}]", "[[]]", "[null]"],
            ["null"],
            ["true", "false"],
        ];

        private static readonly string[] Tokens =
            ["NaN", "-NaN", "Infinity", "-Infinity", "+Infinity", "nan", "inf", "undefined", ".5", "01", "+1", "0x1F", "1.", "-", "True", "None", "'single'", "1e", "--1"];

        private static readonly byte[][] BadUtf8 =
        [
            [0xFF], [0xFE], [0x80], [0xC0, 0x80], [0xC0, 0xAF], [0xC3], [0xE2, 0x82], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80], [0xC3, 0x28],
        ];

        private static readonly string[] BadEscapes =
            ["\"\\ud800\"", "\"a\\udc00b\"", "\"\\ud83d\"", "\"\\ud800\\ud800\"", "\"\\uZZZZ\"", "\"\\x41\"", "\"\\u00\"", "\"\\q\"", "\"\\\"", "\"\\ud83d\\u0041\""];

        private static readonly string[] Garbage =
            ["x", "}", "]", ",", "{}", "\0", " // comment", "/* c */", "\n{\"type\":\"track\"}", ";", "\u00A0", "null", "\"", "\u001a"];

        private static readonly string[] Whitespace = [" ", "\t", "\r", "\n", "\r\n"];

        private static readonly string[] OddWhitespace = ["\u00A0", "\v", "\f", "\u2028", "\u3000", "\u0085", "\uFEFF"];

        /// <summary>How many inputs come before the generated mutations.</summary>
        public static int FixedInputs => Fixtures.BadFiles().Count() + Fixed().Count();

        // Edge cases always sent (also through HTTP), whatever the seed: empty and blank input, the depth limit, duplicate
        // names, unreadable text, and the valid look-alikes that must still be accepted.
        private static IEnumerable<BadInput> Fixed()
        {
            static byte[] Nested(int arrays) => Encoding.UTF8.GetBytes(
                $"{{\"type\":\"track\",\"event\":\"e\",\"userId\":\"u\",\"properties\":{{\"a\":{new string('[', arrays)}{new string(']', arrays)}}}}}");

            yield return new BadInput("fixed empty", []);
            yield return new BadInput("fixed whitespace", " \t\r\n "u8.ToArray());
            yield return new BadInput("fixed bom-only", Bom);
            yield return new BadInput("fixed nul", [0]);
            yield return new BadInput("fixed depth-64 (valid)", Nested(62));
            yield return new BadInput("fixed depth-65", Nested(63));
            yield return new BadInput("fixed depth-66", Nested(64));
            yield return new BadInput("fixed duplicate-type", "{\"type\":\"track\",\"type\":\"identify\",\"userId\":\"u\",\"event\":\"e\"}"u8.ToArray());
            yield return new BadInput("fixed duplicate-in-properties", "{\"type\":\"track\",\"userId\":\"u\",\"event\":\"e\",\"properties\":{\"a\":1,\"a\":2}}"u8.ToArray());
            yield return new BadInput("fixed lone-surrogate-messageId", "{\"type\":\"track\",\"userId\":\"u\",\"event\":\"e\",\"messageId\":\"\\ud800\"}"u8.ToArray());
            yield return new BadInput("fixed lone-surrogate-name", "{\"type\":\"track\",\"userId\":\"u\",\"event\":\"e\",\"\\udc00\":1}"u8.ToArray());
            yield return new BadInput("fixed invalid-utf8-name", [.. "{\"type\":\"track\",\"userId\":\"u\",\"event\":\"e\",\"x"u8, 0xFF, .. "\":1}"u8]);
            yield return new BadInput("fixed surrogate-pairs (valid)", "{\"type\":\"track\",\"userId\":\"u\",\"event\":\"\\uD83D\\uDE00 \\ud83d\\ude00 😀\"}"u8.ToArray());
            yield return new BadInput("fixed escaped-backslash-u (valid)", "{\"type\":\"track\",\"userId\":\"u\",\"event\":\"\\\\ud800\"}"u8.ToArray());
        }

        public static IReadOnlyList<BadInput> Build(int seed, int count)
        {
            var random = new Random(seed);
            var bases = Fixtures.EventFiles().Select(f => (Name: Path.GetFileNameWithoutExtension(f), Bytes: Fixtures.Read(f))).ToArray();
            var corpus = new List<BadInput>(count + 32);
            corpus.AddRange(Fixtures.BadFiles().Select(f => new BadInput($"bad {Path.GetFileName(f)}", Fixtures.Read(f))));
            corpus.AddRange(Fixed());
            for (var i = 0; i < count; i++)
            {
                var (name, bytes) = bases[random.Next(bases.Length)];
                var (what, mutated) = Mutate(random, bytes);
                corpus.Add(new BadInput($"#{i} {what} of {name}", mutated));
            }

            return corpus;
        }

        private static (string What, byte[] Bytes) Mutate(Random r, byte[] source)
        {
            var pick = r.Next(100);
            return pick switch
            {
                < 10 => Truncate(r, source),
                < 24 => Flip(r, source),
                < 28 => Remove(r, source),
                < 35 => Huge(r, source),
                < 42 => Deep(r, source),
                < 50 => InvalidUtf8(r, source),
                < 57 => Duplicate(r, source),
                < 63 => Token(r, source),
                < 68 => WithBom(r, source),
                < 74 => Trailing(r, source),
                < 77 => EmptyOrWhitespace(r),
                < 84 => Escape(r, source),
                < 91 => Noise(r, source),
                _ => Combo(r, source),
            };
        }

        private static (string, byte[]) Combo(Random r, byte[] source)
        {
            var (first, bytes) = r.Next(5) switch
            {
                0 => Flip(r, source),
                1 => Duplicate(r, source),
                2 => Escape(r, source),
                3 => Token(r, source),
                _ => Remove(r, source),
            };
            var what = first;
            for (var n = r.Next(1, 3); n > 0; n--)
            {
                string next;
                (next, bytes) = r.Next(5) switch
                {
                    0 => Truncate(r, bytes),
                    1 => InvalidUtf8(r, bytes),
                    2 => Trailing(r, bytes),
                    3 => WithBom(r, bytes),
                    _ => Noise(r, bytes),
                };
                what += " + " + next;
            }

            return ($"combo {what}", bytes);
        }

        private static (string, byte[]) Truncate(Random r, byte[] source)
        {
            var at = r.Next(source.Length);
            return ($"truncate at {at}", source[..at]);
        }

        private static (string, byte[]) Flip(Random r, byte[] source)
        {
            var root = Load(source);
            // Sometimes a field inside a bag, so the bags get odd values too.
            if (r.Next(5) == 0 && Bags(root).ToArray() is { Length: > 0 } bags)
            {
                var (bagName, bag) = bags[r.Next(bags.Length)];
                if (bag.Count > 0)
                {
                    var key = bag.ElementAt(r.Next(bag.Count)).Key;
                    var nested = OtherKindValue(r, bag[key]);
                    return ($"flip {bagName}.{key} to {nested}", WithRaw(root, bag, key, nested));
                }
            }

            var field = PickField(r, root);
            var value = OtherKindValue(r, root[field]);
            return ($"flip {field} to {Short(value)}", WithRaw(root, root, field, value));
        }

        private static (string, byte[]) Remove(Random r, byte[] source)
        {
            var root = Load(source);
            var present = root.Select(p => p.Key).ToArray();
            var field = r.Next(2) == 0 && root.ContainsKey("type") ? "type" : present[r.Next(present.Length)];
            root.Remove(field);
            return ($"remove {field}", JsonSerializer.SerializeToUtf8Bytes(root));
        }

        private static (string, byte[]) Huge(Random r, byte[] source)
        {
            var root = Load(source);
            var field = r.Next(3) == 0 ? PickField(r, root) : "properties";
            switch (r.Next(6))
            {
                case 0:
                    return ($"huge 100KB string in {field}", WithRaw(root, root, field, $"\"{new string('x', 100 * 1024)}\""));
                case 1:
                    return ($"huge 100KB number in {field}", WithRaw(root, root, field, new string('7', 100 * 1024)));
                case 2:
                    return ($"huge 20000 escapes in {field}", WithRaw(root, root, field, $"\"{string.Concat(Enumerable.Repeat("\\u0041", 20_000))}\""));
                case 3:
                    return ($"huge 5000 keys in {field}", WithRaw(root, root, field, "{" + string.Join(",", Enumerable.Range(0, 5_000).Select(i => $"\"k{i}\":{i}")) + "}"));
                default:
                    // Right at the 32 KB limit, and one byte over it.
                    var over = r.Next(2);
                    root["properties"] = new JsonObject { ["blob"] = Placeholder };
                    var shell = JsonSerializer.SerializeToUtf8Bytes(root);
                    var fill = 32 * 1024 - (shell.Length - Placeholder.Length) + over;
                    return ($"huge {(over == 0 ? "exactly 32KB" : "32KB+1")}", WithRaw(root, (JsonObject)root["properties"]!, "blob", $"\"{new string('b', fill)}\""));
            }
        }

        private static (string, byte[]) Deep(Random r, byte[] source)
        {
            var depth = r.Next(3) == 0 ? r.Next(60, 68) : 5_000;
            var shape = r.Next(4);
            var value = shape switch
            {
                0 => new string('[', depth) + new string(']', depth),
                1 => string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth),
                2 => string.Concat(Enumerable.Repeat("[{\"a\":", depth)) + "1" + string.Concat(Enumerable.Repeat("}]", depth)),
                _ => new string('[', depth),
            };
            if (r.Next(8) == 0)
            {
                return ($"deep root {depth} shape {shape}", Encoding.UTF8.GetBytes(value));
            }

            var root = Load(source);
            var field = r.Next(2) == 0 ? "properties" : PickField(r, root);
            return ($"deep {depth} shape {shape} in {field}", WithRaw(root, root, field, value));
        }

        private static (string, byte[]) InvalidUtf8(Random r, byte[] source)
        {
            var bad = BadUtf8[r.Next(BadUtf8.Length)];
            var quotes = Enumerable.Range(0, source.Length).Where(i => source[i] == (byte)'"').ToArray();
            int at;
            var where = r.Next(10);
            if (where < 6 && quotes.Length > 0)
            {
                at = quotes[r.Next(quotes.Length)] + 1; // inside a name or a string value
            }
            else if (where < 8 && TryLoad(source) is { } root)
            {
                var field = StringFields[r.Next(StringFields.Length)];
                var value = (byte[])[.. "\"ab"u8, .. bad, .. "cd\""u8];
                return ($"utf8 {Convert.ToHexString(bad)} in {field}", WithRaw(root, root, field, value));
            }
            else
            {
                at = r.Next(source.Length + 1);
            }

            return ($"utf8 {Convert.ToHexString(bad)} at {at}", [.. source[..at], .. bad, .. source[at..]]);
        }

        private static (string, byte[]) Duplicate(Random r, byte[] source)
        {
            var root = TryLoad(source);
            if (root is null)
            {
                return Trailing(r, source);
            }

            if (r.Next(4) == 0)
            {
                var bag = r.Next(2) == 0 ? "properties" : "context";
                var inner = r.Next(2) == 0 ? "{\"a\":1,\"a\":\"2\",\"a\":{}}" : "{\"ip\":\"1.2.3.4\",\"ip\":null}";
                return ($"duplicate keys inside {bag}", WithRaw(root, root, bag, inner));
            }

            var field = r.Next(3) == 0 ? "type" : PickField(r, root);
            var value = field == "type" && r.Next(2) == 0
                ? $"\"{new[] { "track", "identify", "page", "screen", "group", "alias", "delete", "purchase" }[r.Next(8)]}\""
                : r.Next(2) == 0 && root[field] is { } existing ? existing.ToJsonString() : OtherKindValue(r, root[field]);
            var pair = Encoding.UTF8.GetBytes($"\"{field}\":{value}");
            var first = Array.IndexOf(source, (byte)'{');
            var last = Array.LastIndexOf(source, (byte)'}');
            byte[] bytes = r.Next(2) == 0
                ? [.. source[..(first + 1)], .. pair, (byte)',', .. source[(first + 1)..]]
                : [.. source[..last], (byte)',', .. pair, .. source[last..]];
            return ($"duplicate {field} = {Short(value)}", bytes);
        }

        private static (string, byte[]) Token(Random r, byte[] source)
        {
            var root = Load(source);
            var token = Tokens[r.Next(Tokens.Length)];
            var field = r.Next(4) == 0 ? "properties" : PickField(r, root);
            if (field == "properties")
            {
                return ($"token {token} in properties.value", WithRaw(root, root, "properties", $"{{\"value\":{token}}}"));
            }

            return ($"token {token} in {field}", WithRaw(root, root, field, token));
        }

        private static (string, byte[]) WithBom(Random r, byte[] source)
        {
            switch (r.Next(6))
            {
                case 0:
                case 1:
                    return ("bom before", [.. Bom, .. source]);
                case 2:
                    return ("bom twice", [.. Bom, .. Bom, .. source]);
                case 3:
                    var first = Math.Max(Array.IndexOf(source, (byte)'{'), 0);
                    return ("bom inside", [.. source[..(first + 1)], .. Bom, .. source[(first + 1)..]]);
                case 4:
                    return ("bom utf16", [0xFF, 0xFE, .. Encoding.Unicode.GetBytes(Encoding.UTF8.GetString(source))]);
                default:
                    return ("bom then whitespace", [.. Bom, .. " \n"u8]);
            }
        }

        private static (string, byte[]) Trailing(Random r, byte[] source)
        {
            if (r.Next(6) == 0)
            {
                var bytes = new byte[r.Next(1, 12)];
                r.NextBytes(bytes);
                return ($"trailing bytes {Convert.ToHexString(bytes)}", [.. source, .. bytes]);
            }

            var garbage = Garbage[r.Next(Garbage.Length)];
            return ($"trailing {JsonSerializer.Serialize(garbage)}", [.. source, .. Encoding.UTF8.GetBytes(garbage)]);
        }

        private static (string, byte[]) EmptyOrWhitespace(Random r)
        {
            switch (r.Next(3))
            {
                case 0:
                    return ("empty", []);
                case 1:
                    return ("whitespace", Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, r.Next(1, 64)).Select(_ => Whitespace[r.Next(Whitespace.Length)]))));
                default:
                    var odd = OddWhitespace[r.Next(OddWhitespace.Length)];
                    return ($"whitespace {Convert.ToHexString(Encoding.UTF8.GetBytes(odd))}", Encoding.UTF8.GetBytes($" {odd}\n"));
            }
        }

        private static (string, byte[]) Escape(Random r, byte[] source)
        {
            var root = Load(source);
            var escape = BadEscapes[r.Next(BadEscapes.Length)];
            switch (r.Next(4))
            {
                case 0:
                    // As a name: at the top level, or inside a bag.
                    var bag = r.Next(2) == 0 ? "properties" : "context";
                    return ($"escape {escape} as a name in {bag}", WithRaw(root, root, bag, $"{{{escape}:1}}"));
                case 1:
                    var first = Array.IndexOf(source, (byte)'{');
                    return ($"escape {escape} as a top-level name", [.. source[..(first + 1)], .. Encoding.UTF8.GetBytes($"{escape}:1,"), .. source[(first + 1)..]]);
                default:
                    var field = StringFields[r.Next(StringFields.Length)];
                    return ($"escape {escape} in {field}", WithRaw(root, root, field, escape));
            }
        }

        private static (string, byte[]) Noise(Random r, byte[] source)
        {
            var bytes = source.ToList();
            var what = new StringBuilder("noise");
            for (var n = r.Next(1, 4); n > 0 && bytes.Count > 0; n--)
            {
                var at = r.Next(bytes.Count);
                switch (r.Next(4))
                {
                    case 0:
                        var value = (byte)r.Next(256);
                        what.Append($" set[{at}]={value:X2}");
                        bytes[at] = value;
                        break;
                    case 1:
                        what.Append($" del[{at}]");
                        bytes.RemoveAt(at);
                        break;
                    case 2:
                        var control = (byte)r.Next(0, 32);
                        what.Append($" ins[{at}]={control:X2}");
                        bytes.Insert(at, control);
                        break;
                    default:
                        var other = r.Next(bytes.Count);
                        what.Append($" swap[{at},{other}]");
                        (bytes[at], bytes[other]) = (bytes[other], bytes[at]);
                        break;
                }
            }

            return (what.ToString(), [.. bytes]);
        }

        private static IEnumerable<(string Name, JsonObject Bag)> Bags(JsonObject root)
        {
            foreach (var name in new[] { "context", "properties", "traits", "integrations" })
            {
                if (root[name] is JsonObject bag)
                {
                    yield return (name, bag);
                }
            }
        }

        private static string PickField(Random r, JsonObject root) =>
            r.Next(5) < 3 ? BriefFields[r.Next(BriefFields.Length)] : AllFields[r.Next(AllFields.Length)];

        private static string OtherKindValue(Random r, JsonNode? current)
        {
            var kind = current?.GetValueKind() switch
            {
                JsonValueKind.String => 0,
                JsonValueKind.Number => 1,
                JsonValueKind.Object => 2,
                JsonValueKind.Array => 3,
                JsonValueKind.Null => 4,
                JsonValueKind.True or JsonValueKind.False => 5,
                _ => -1,
            };
            int other;
            do
            {
                other = r.Next(ValuesByKind.Length);
            }
            while (other == kind);

            var values = ValuesByKind[other];
            return values[r.Next(values.Length)];
        }

        private static string Short(string value) => value.Length <= 40 ? value : value[..40] + "…";

        private static JsonObject Load(byte[] source) => JsonNode.Parse(source)!.AsObject();

        private static JsonObject? TryLoad(byte[] source)
        {
            try
            {
                var root = JsonNode.Parse(source) as JsonObject;
                _ = (root?.Count, root?.ToJsonString()); // a duplicate name or a bad escape shows now, not while mutating
                return root;
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException or ArgumentException)
            {
                return null;
            }
        }

        private static byte[] WithRaw(JsonObject root, JsonObject parent, string field, string raw) =>
            WithRaw(root, parent, field, Encoding.UTF8.GetBytes(raw));

        // Writes the object with the field's value replaced by raw bytes (which need not be valid JSON or UTF-8).
        private static byte[] WithRaw(JsonObject root, JsonObject parent, string field, byte[] raw)
        {
            parent[field] = Placeholder;
            var bytes = JsonSerializer.SerializeToUtf8Bytes(root);
            var at = bytes.AsSpan().IndexOf(PlaceholderBytes);
            return [.. bytes[..at], .. raw, .. bytes[(at + PlaceholderBytes.Length)..]];
        }
    }
}
