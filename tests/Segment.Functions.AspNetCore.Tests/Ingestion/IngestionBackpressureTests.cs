using System.Net;
using System.Text.Json.Nodes;
using Segment.Functions.AspNetCore;
using Segment.Functions.Hosting;
using Segment.Functions.Tests.Hosting;

namespace Segment.Functions.Tests.Ingestion;

/// <summary>No request is held without bound, and a request not taken is never answered as if it were.</summary>
public sealed class IngestionBackpressureTests
{
    private const string Key = "wk-bp";

    private static string Batch(int from, int count) =>
        "{\"batch\":[" + string.Join(",", Enumerable.Range(from, count).Select(i => $$"""{"type":"track","userId":"u","event":"E","messageId":"m-{{i}}"}""")) + "]}";

    // Destination A never finishes (until released) and holds 4 events; B is free but only gets what A gets.
    private static async Task<(IngestionServer Server, TaskCompletionSource Release)> StuckServerAsync(Action<SegmentIngestionOptions>? more = null, QueueFullMode mode = QueueFullMode.Wait)
    {
        var release = new TaskCompletionSource();
        var server = await IngestionServer.StartAsync(
            o =>
            {
                o.WriteKeys.Add(new IngestionWriteKey { Key = Key });
                o.MaxWaitForRoom = TimeSpan.FromSeconds(2);
                more?.Invoke(o);
            },
            host: o => { o.QueueCapacity = 4; o.MaxConcurrency = 1; o.FullMode = mode; o.Invocation.Timeout = TimeSpan.FromMinutes(10); o.ShutdownTimeout = TimeSpan.Zero; });
        server.A.Handle = (_, _, _) => release.Task;
        return (server, release);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var start = TimeProvider.System.GetTimestamp();
        while (!condition())
        {
            Assert.That(TimeProvider.System.GetElapsedTime(start), Is.LessThan(TimeSpan.FromSeconds(30)), "timed out waiting");
            await Task.Delay(TimeSpan.FromMilliseconds(10), TimeProvider.System);
        }
    }

    // Moves the fake clock a second at a time until the request is answered (its wait for room may start after any given step).
    private static async Task<HttpResponseMessage> AdvanceUntilDoneAsync(IngestionServer server, Task<HttpResponseMessage> request)
    {
        var start = TimeProvider.System.GetTimestamp();
        while (!request.IsCompleted)
        {
            Assert.That(TimeProvider.System.GetElapsedTime(start), Is.LessThan(TimeSpan.FromSeconds(30)), "the request was never answered");
            server.Time.Advance(TimeSpan.FromSeconds(1));
            await Task.WhenAny(request, Task.Delay(TimeSpan.FromMilliseconds(20), TimeProvider.System));
        }

        return await request;
    }

    [Test]
    public async Task NoRoomInTime_Is429WithRetryAfter_AndNothingIsTaken()
    {
        var (server, release) = await StuckServerAsync();
        await using var _ = server;
        using var first = await server.PostAsync("/v1/batch", Batch(0, 3), Key);
        Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.OK));

        var second = server.PostAsync("/v1/batch", Batch(3, 2), Key);
        await Task.Delay(TimeSpan.FromMilliseconds(200), TimeProvider.System); // the request reaches its wait for room
        Assert.That(second.IsCompleted, Is.False, "waits for room, up to MaxWaitForRoom");
        using var refused = await AdvanceUntilDoneAsync(server, second);

        Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests));
        Assert.That(refused.Headers.RetryAfter?.Delta, Is.EqualTo(TimeSpan.FromSeconds(1)));
        Assert.That((string?)JsonNode.Parse(await refused.Content.ReadAsStringAsync())!["code"], Is.EqualTo("no_room"));
        Assert.That(server.Functions.GetStatus("A").Pending, Is.EqualTo(3));
        Assert.That(server.Functions.GetStatus("B").Pending + server.B.Singles.Count, Is.EqualTo(3), "B got none of the refused batch either");

        release.SetResult();
        await server.SettleAsync();
        using var again = await server.PostAsync("/v1/batch", Batch(3, 2), Key);
        await server.SettleAsync();
        Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.OK), "sent again, it is taken (the refusal was not remembered as a duplicate)");
        Assert.That(server.A.Singles.Select(e => e.MessageId).Order(), Is.EqualTo(new[] { "m-0", "m-1", "m-2", "m-3", "m-4" }));
    }

    [Test]
    public async Task RejectMode_AFullDestinationIsNeverA200()
    {
        var (server, release) = await StuckServerAsync(o => o.MaxWaitForRoom = TimeSpan.Zero, QueueFullMode.Reject);
        await using var _ = server;
        using var fill = await server.PostAsync("/v1/batch", Batch(0, 4), Key);

        using var response = await server.PostAsync("/v1/track", """{"userId":"u","event":"E","messageId":"late"}""", Key);

        Assert.That(fill.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests));
        Assert.That(server.Functions.GetCounts("A").DiscardedTotal, Is.Zero, "not recorded as discarded: the client sends it again");
        release.SetResult();
    }

    [Test]
    public async Task RoomFreedWhileWaiting_TheRequestIsTaken()
    {
        var (server, release) = await StuckServerAsync();
        await using var _ = server;
        await server.PostAsync("/v1/batch", Batch(0, 4), Key);

        var waiting = server.PostAsync("/v1/batch", Batch(4, 4), Key);
        await Task.Delay(TimeSpan.FromMilliseconds(200), TimeProvider.System);
        Assert.That(waiting.IsCompleted, Is.False);
        release.SetResult();
        using var response = await waiting.WaitAsync(TimeSpan.FromSeconds(30));
        await server.SettleAsync();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(server.A.Singles.Count, Is.EqualTo(8));
    }

    [Test]
    public async Task MoreRequestsThanAllowed_AreAnswered429AtOnce()
    {
        var (server, release) = await StuckServerAsync(o => o.MaxConcurrentRequests = 2);
        await using var _ = server;
        await server.PostAsync("/v1/batch", Batch(0, 4), Key);
        var waiting = new[] { server.PostAsync("/v1/batch", Batch(10, 1), Key), server.PostAsync("/v1/batch", Batch(11, 1), Key) };
        await Task.Delay(TimeSpan.FromMilliseconds(300), TimeProvider.System); // both hold their place, waiting for room

        using var third = await server.PostAsync("/v1/batch", Batch(12, 1), Key).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.That(third.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests));
        Assert.That((string?)JsonNode.Parse(await third.Content.ReadAsStringAsync())!["code"], Is.EqualTo("busy"));
        Assert.That(third.Headers.RetryAfter?.Delta, Is.EqualTo(TimeSpan.FromSeconds(1)));
        release.SetResult();
        var answers = await Task.WhenAll(waiting).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.That(answers.Select(a => a.StatusCode), Is.All.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task ClientGoneWhileWaiting_NothingIsTaken()
    {
        var (server, release) = await StuckServerAsync(o => o.MaxWaitForRoom = TimeSpan.FromMinutes(1));
        await using var _ = server;
        await server.PostAsync("/v1/batch", Batch(0, 4), Key);
        using var client = new HttpClient { BaseAddress = new Uri(server.BaseUrl) };
        using var cancel = new CancellationTokenSource();

        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/batch") { Content = new StringContent(Batch(4, 2)) };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", Convert.ToBase64String("wk-bp:"u8.ToArray()));
        var waiting = client.SendAsync(request, cancel.Token);
        await Task.Delay(TimeSpan.FromMilliseconds(300), TimeProvider.System);
        cancel.Cancel(); // the client goes away
        Assert.That(async () => await waiting, Throws.InstanceOf<OperationCanceledException>());
        await WaitUntilAsync(() => server.Logs.GetSnapshot().Any(r => r.Message.Contains("went away")));
        release.SetResult();
        await server.SettleAsync();

        Assert.That(server.A.Singles.Select(e => e.MessageId), Has.None.EqualTo("m-4").And.None.EqualTo("m-5"));
        Assert.That(server.A.Singles.Count, Is.EqualTo(4));
    }

    [Test]
    public async Task BatchLargerThanTheQueue_Is400NamingBothOptions()
    {
        var (server, release) = await StuckServerAsync();
        await using var _ = server;

        using var response = await server.PostAsync("/v1/batch", Batch(0, 5), Key);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("QueueCapacity").And.Contain("MaxBatchEvents"));
        release.SetResult();
    }

    [Test]
    public void Options_Defaults()
    {
        var options = new SegmentIngestionOptions();

        Assert.That(options.MaxConcurrentRequests, Is.EqualTo(32));
        Assert.That(options.MaxWaitForRoom, Is.EqualTo(TimeSpan.FromSeconds(2)));
        Assert.That(options.RetryAfter, Is.EqualTo(TimeSpan.FromSeconds(1)));
        Assert.That((options.MaxBatchBytes, options.MaxBatchEvents), Is.EqualTo((512_000, 2500)));
    }

    [Test]
    public void Options_OutOfRange_FailAtStartNamingEachOption()
    {
        Assert.That(
            async () => await IngestionServer.StartAsync(o =>
            {
                o.MaxConcurrentRequests = 0;
                o.MaxWaitForRoom = TimeSpan.FromMinutes(5);
                o.Dedupe.MaxMessageIdsPerWriteKey = 0;
            }),
            Throws.InstanceOf<Microsoft.Extensions.Options.OptionsValidationException>()
                .With.Message.Contains("MaxConcurrentRequests: The field SegmentIngestionOptions.MaxConcurrentRequests must be between 1 and 100000.")
                .And.Message.Contains("MaxWaitForRoom: The field SegmentIngestionOptions.MaxWaitForRoom must be between 00:00:00 and 00:01:00.")
                .And.Message.Contains("MaxMessageIdsPerWriteKey: The field SegmentIngestionOptions.Dedupe.MaxMessageIdsPerWriteKey must be between 1 and 10000000."));
    }
}
