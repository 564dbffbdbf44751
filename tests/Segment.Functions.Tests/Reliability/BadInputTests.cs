using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Segment.Functions.Delivery;
using Segment.Functions.Hosting;
using Segment.Functions.Tests.Hosting;

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
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(30);
    private static readonly Lazy<IReadOnlyList<BadInput>> Corpus = new(() => BadInputCorpus.Build(Seed, Mutations));

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
        var kinds = corpus.Select(BadInputCorpus.Kind).ToHashSet(StringComparer.Ordinal);

        Assert.That(corpus.Count(i => i.What.StartsWith('#')), Is.GreaterThanOrEqualTo(Mutations));
        Assert.That(kinds, Is.SupersetOf(new[] { "truncate", "flip", "huge", "deep", "utf8", "duplicate", "token", "bom", "trailing", "empty", "whitespace", "escape" }));
        Assert.That(corpus.Select(i => Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(i.Bytes))).Distinct().Count(), Is.GreaterThan(Mutations / 2), "mostly distinct inputs");
        Assert.That(BadInputCorpus.Build(Seed, 50).Select(i => i.Bytes), Is.EqualTo(corpus.Take(50 + BadInputCorpus.FixedInputs).Select(i => i.Bytes)), "seeded: the same corpus every run");
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
        Assert.That(failures, Is.Empty, BadInputCorpus.Summary(failures));
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

        Assert.That(failures, Is.Empty, BadInputCorpus.Summary(failures));
        Assert.That(invalid + accepted, Is.EqualTo(Corpus.Value.Count), "every input is answered Accepted or Invalid");
        Assert.That(invalid, Is.GreaterThan(2_000), "the corpus is mostly invalid");
        Assert.That(accepted, Is.GreaterThan(500), "and some of it is valid");
        Assert.That(host.Functions.GetCounts(DeliveryRecord.RejectedInput).DiscardedTotal, Is.EqualTo(invalid), "one rejected-input record per Invalid answer");
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

}
