using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Segment.Functions.AspNetCore;

namespace Segment.Functions.Tests.Ingestion;

/// <summary>
/// A flood at a full host: 400 concurrent clients post 500 KB batches for a bounded time while the
/// destination is stuck and its queue full. Memory stays bounded by the endpoint's options and
/// every request gets an answer (429 with Retry-After, since nothing can be taken).
/// </summary>
[Category("Load")]
public sealed class IngestionLoadTests
{
    private const string Key = "wk-load";
    private const int Clients = 400;
    private static readonly int EventsPerBatch = CountEvents();
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(15);

    // What the flood may add to the resident memory of this process (server and clients alike), over what it held before.
    // Generous: it added 460-615 MB here with the defaults (clients' side included); before the bounds, a flood took a server
    // alone from 68 MB past 890 MB and climbing. Measured as growth because the suite's earlier tests leave this process at any size.
    private const long MaxGrowthBytes = 1_024L * 1024 * 1024;

    [Test]
    public async Task FourHundredClientsPosting500KBatches_AtAFullHost_MemoryBoundedAndEveryRequestAnswered()
    {
        var release = new TaskCompletionSource();
        await using var server = await IngestionServer.StartAsync(
            o =>
            {
                o.WriteKeys.Add(new IngestionWriteKey { Key = Key });
                // Every client sends the same body: without dedupe each copy goes for room, as distinct batches would.
                o.Dedupe.Enabled = false;
            },
            host: o => { o.QueueCapacity = EventsPerBatch; o.MaxConcurrency = 1; o.Invocation.Timeout = TimeSpan.FromMinutes(10); o.ShutdownTimeout = TimeSpan.Zero; });
        server.A.Handle = (_, _, _) => release.Task;
        var body = Batch(out var events);
        Assert.That(body.Length, Is.InRange(480_000, 512_000));
        using (var fill = await server.PostAsync("/v1/batch", Encoding.UTF8.GetString(body).Replace("\"m-", "\"fill-"), Key))
        {
            Assert.That(fill.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the host is now full");
        }

        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        var before = Resident();
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = Clients, PooledConnectionLifetime = TimeSpan.FromMinutes(1) };
        using var client = new HttpClient(handler) { BaseAddress = new Uri(server.BaseUrl), Timeout = TimeSpan.FromSeconds(60) };
        var statuses = new ConcurrentDictionary<HttpStatusCode, int>();
        var failures = new ConcurrentQueue<string>();
        var peak = 0L;
        using var stop = new CancellationTokenSource();
        // The wait for room runs on the fake clock: move it, so waiting requests time out as they would.
        var clock = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                server.Time.Advance(TimeSpan.FromMilliseconds(500));
                peak = Math.Max(peak, Resident());
                await Task.Delay(TimeSpan.FromMilliseconds(50), TimeProvider.System);
            }
        });

        var deadline = Stopwatch.GetTimestamp() + (long)(Duration.TotalSeconds * Stopwatch.Frequency);
        var workers = Enumerable.Range(0, Clients).Select(_ => Task.Run(async () =>
        {
            while (Stopwatch.GetTimestamp() < deadline)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/batch") { Content = new ByteArrayContent(body) };
                request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(Key + ":")));
                try
                {
                    using var response = await client.SendAsync(request);
                    await response.Content.ReadAsByteArrayAsync();
                    statuses.AddOrUpdate(response.StatusCode, 1, static (_, n) => n + 1);
                    if (response.StatusCode == HttpStatusCode.TooManyRequests && response.Headers.RetryAfter is null)
                    {
                        failures.Enqueue("a 429 without Retry-After");
                    }
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    failures.Enqueue(e.GetType().Name + ": " + e.Message);
                }
            }
        })).ToArray();
        await Task.WhenAll(workers).WaitAsync(TimeSpan.FromSeconds(120));
        stop.Cancel();
        await clock;
        var pending = server.Functions.GetStatus("A").Pending;
        release.SetResult();

        var answered = statuses.Values.Sum();
        TestContext.Out.WriteLine($"{answered} requests answered in {Duration.TotalSeconds} s: {string.Join(", ", statuses.Select(s => $"{(int)s.Key} × {s.Value}"))}; resident {before / (1024 * 1024)} MB before, peak {peak / (1024 * 1024)} MB; failures {failures.Count}");
        Assert.That(failures, Is.Empty, "every request gets an answer");
        Assert.That(statuses.Keys, Is.EquivalentTo(new[] { HttpStatusCode.TooManyRequests }), "a full host takes nothing and says so");
        Assert.That(answered, Is.GreaterThanOrEqualTo(Clients));
        Assert.That(peak - before, Is.LessThan(MaxGrowthBytes), $"resident memory grew from {before / (1024 * 1024)} MB to {peak / (1024 * 1024)} MB");
        Assert.That(pending, Is.EqualTo(events), "only the batch that filled the host was taken");
    }

    // A batch of realistic track events just under 500 KB, with distinct message ids.
    private static byte[] Batch(out int events)
    {
        var json = new StringBuilder("{\"batch\":[");
        events = 0;
        while (json.Length < 495_000)
        {
            if (events > 0)
            {
                json.Append(',');
            }

            var n = events.ToString(System.Globalization.CultureInfo.InvariantCulture);
            json.Append("{\"type\":\"track\",\"event\":\"Product Viewed\",\"userId\":\"user-").Append(events % 97).Append("\",\"messageId\":\"m-").Append(n)
                .Append("\",\"timestamp\":\"2026-03-04T05:06:00Z\",\"properties\":{\"product_id\":\"p-").Append(n)
                .Append("\",\"category\":\"Games\",\"name\":\"Monopoly: 3rd Edition\",\"brand\":\"Hasbro\",\"variant\":\"200 pieces\",\"price\":18.99,\"quantity\":1,\"currency\":\"USD\",")
                .Append("\"url\":\"https://www.example.com/product/path\",\"image_url\":\"https://www.example.com/product/path.jpg\"},")
                .Append("\"context\":{\"ip\":\"203.0.113.").Append(events % 250).Append("\",\"library\":{\"name\":\"load\",\"version\":\"1.0\"}}}");
            events++;
        }

        return Encoding.UTF8.GetBytes(json.Append("]}").ToString());
    }

    private static int CountEvents()
    {
        Batch(out var events);
        return events;
    }

    private static long Resident()
    {
        using var process = Process.GetCurrentProcess();
        return process.WorkingSet64;
    }
}
