using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Segment.Functions.Tests.Reliability;

namespace Segment.Functions.Tests.Ingestion;

/// <summary>
/// The bad-input corpus (tests/Shared/BadInputCorpus.cs) through the HTTP endpoint: every request is
/// answered 200 or 400 with the documented body, never a 5xx, and the server keeps serving.
/// </summary>
public sealed class IngestionBadInputTests
{
    private const int Seed = 20_260_301;
    private const int Mutations = 10_000;
    private const int HttpSample = 2_000;
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(30);
    private static readonly Lazy<IReadOnlyList<BadInput>> Corpus = new(() => BadInputCorpus.Build(Seed, Mutations));

    [Test]
    public async Task Ingestion_CorpusSample_IsAnswered200Or400_AndTheServerKeepsServing()
    {
        await using var server = await IngestionServer.StartAsync(_ => { });
        var sample = Corpus.Value.Where((_, i) => i < BadInputCorpus.FixedInputs || i % (Corpus.Value.Count / HttpSample) == 0).ToArray();
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
                    failedKinds.AddRange(inputs.Select(BadInputCorpus.Kind));
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
                var items = BadInputCorpus.Join(batch.Select(b => b.Bytes));
                var body = i / 2 % 2 == 0 ? [.. """{"sentAt":"2026-03-04T05:06:00Z","context":{"ip":"203.0.113.9"},"batch":["""u8, .. items, .. "]}"u8] : (byte[])[(byte)'[', .. items, (byte)']'];
                await PostAsync("/v1/batch", body, string.Join(" + ", batch.Select(b => b.What)), batch);
                batch.Clear();
            }
        }

        await server.SettleAsync();

        Assert.That(sample, Has.Length.GreaterThanOrEqualTo(HttpSample));
        Assert.That(requests, Is.GreaterThan(1_000));
        var byKind = string.Join(", ", failedKinds.GroupBy(k => k).OrderByDescending(g => g.Count()).Select(g => $"{g.Key} {g.Count()}"));
        Assert.That(failures, Is.Empty, $"inputs in failed requests, by kind: {byKind}{Environment.NewLine}{BadInputCorpus.Summary(failures)}");
        using var healthy = await server.PostAsync("/v1/track", """{"userId":"u-after","event":"Still Serving","messageId":"after-corpus"}""");
        Assert.That(healthy.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((int?)JsonNode.Parse(await healthy.Content.ReadAsStringAsync())!["accepted"], Is.EqualTo(1));
        await server.SettleAsync();
        Assert.That(server.A.Singles.Select(e => e.MessageId), Does.Contain("after-corpus"));
        Assert.That(server.Functions.GetStatus("A").Pending + server.Functions.GetStatus("B").Pending, Is.Zero);
    }
}
