using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Segment.Functions.PostgreSql.Tests.Durability;

/// <summary>
/// Sends a fixed set of track events through the ingestion endpoint (<c>POST /v1/batch</c>, Basic auth)
/// from several concurrent senders, as SDKs would, and keeps what each request was answered: the
/// messageIds answered 200 (accepted, so durable), those whose request got no answer (cut by a kill:
/// stored or not, both are allowed), and anything unexpected. A 429 or 503 (not taken, send again) is
/// sent again after a short pause, as the SDKs do. Batches are taken in order, each by one sender,
/// until the set is exhausted or the senders are told to stop, so sending can resume on another host.
/// </summary>
internal sealed class LoadSender : IDisposable
{
    private const int MaxResends = 50;
    private static readonly TimeSpan ResendPause = TimeSpan.FromMilliseconds(100);

    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(60) };
    private readonly ConcurrentQueue<string> _answered = new();
    private readonly ConcurrentQueue<string> _unanswered = new();
    private readonly ConcurrentQueue<string> _unexpected = new();
    private readonly List<(int Requests, TaskCompletionSource Reached)> _waiters = [];
    private int _next = -1;
    private int _answeredRequests;

    /// <param name="prefix">Starts every messageId, so a run's ids are recognisable in the database.</param>
    /// <param name="events">How many events.</param>
    /// <param name="batchSize">Events per request.</param>
    public LoadSender(string prefix, int events, int batchSize)
    {
        MessageIds = [.. Enumerable.Range(0, events).Select(i => $"{prefix}-{i:D5}")];
        Batches = [.. MessageIds.Chunk(batchSize)];
    }

    /// <summary>Every messageId of the set, in order.</summary>
    public IReadOnlyList<string> MessageIds { get; }

    /// <summary>The requests' messageIds.</summary>
    public IReadOnlyList<string[]> Batches { get; }

    /// <summary>The messageIds answered 200.</summary>
    public IReadOnlyCollection<string> Answered => _answered;

    /// <summary>The messageIds whose request got no answer (the connection was cut).</summary>
    public IReadOnlyCollection<string> Unanswered => _unanswered;

    /// <summary>Answers other than 200, 429 and 503, and requests sent again too often: none is expected.</summary>
    public IReadOnlyCollection<string> Unexpected => _unexpected;

    /// <summary>How many batches no sender has taken yet.</summary>
    public int Remaining => Math.Max(0, Batches.Count - (Volatile.Read(ref _next) + 1));

    /// <summary>Completes once this many requests were answered 200.</summary>
    public Task WhenAnsweredAsync(int requests)
    {
        lock (_waiters)
        {
            if (_answeredRequests >= requests)
            {
                return Task.CompletedTask;
            }

            var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((requests, reached));
            return reached.Task;
        }
    }

    /// <summary>
    /// Sends the batches not taken yet, <paramref name="senders"/> at a time, batch <c>i</c> to
    /// <c>target(i)</c>. A sender stops taking batches when <paramref name="stop"/> is cancelled, and
    /// stops altogether when a request of its gets no answer (the host was killed).
    /// </summary>
    /// <param name="target">The ingestion base URL for a batch index.</param>
    /// <param name="senders">How many requests are in flight at once.</param>
    /// <param name="stop">Stops taking new batches; requests in flight go on.</param>
    /// <param name="cancellationToken">Cancels everything (the test's time is up).</param>
    public Task SendAsync(Func<int, Uri> target, int senders, CancellationToken stop, CancellationToken cancellationToken) =>
        Task.WhenAll(Enumerable.Range(0, senders).Select(_ => Task.Run(() => SenderAsync(target, stop, cancellationToken), cancellationToken)));

    public void Dispose() => _http.Dispose();

    private async Task SenderAsync(Func<int, Uri> target, CancellationToken stop, CancellationToken cancellationToken)
    {
        while (!stop.IsCancellationRequested)
        {
            var index = Interlocked.Increment(ref _next);
            if (index >= Batches.Count)
            {
                return;
            }

            if (!await SendBatchAsync(target(index), Batches[index], cancellationToken))
            {
                return;
            }
        }
    }

    /// <summary>Sends one batch until it is answered; false when the connection was cut.</summary>
    private async Task<bool> SendBatchAsync(Uri baseUrl, string[] messageIds, CancellationToken cancellationToken)
    {
        var body = BatchBody(messageIds);
        for (var attempt = 0; attempt <= MaxResends; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(baseUrl, "/v1/batch")) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(CrashHostProcess.WriteKey + ":")));
            HttpResponseMessage response;
            try
            {
                response = await _http.SendAsync(request, cancellationToken);
            }
            catch (HttpRequestException)
            {
                foreach (var id in messageIds)
                {
                    _unanswered.Enqueue(id);
                }

                return false;
            }

            using (response)
            {
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    foreach (var id in messageIds)
                    {
                        _answered.Enqueue(id);
                    }

                    OnAnswered();
                    return true;
                }

                if (response.StatusCode is not (HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable))
                {
                    _unexpected.Enqueue($"{messageIds[0]}…: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}");
                    return true;
                }
            }

            await Task.Delay(ResendPause, cancellationToken);
        }

        _unexpected.Enqueue($"{messageIds[0]}…: still not taken after {MaxResends} resends");
        return true;
    }

    private void OnAnswered()
    {
        lock (_waiters)
        {
            _answeredRequests++;
            foreach (var waiter in _waiters.Where(w => w.Requests <= _answeredRequests).ToList())
            {
                waiter.Reached.TrySetResult();
                _waiters.Remove(waiter);
            }
        }
    }

    private static string BatchBody(string[] messageIds) => new JsonObject
    {
        ["batch"] = new JsonArray([.. messageIds.Select(id => (JsonNode)new JsonObject
        {
            ["type"] = "track",
            ["messageId"] = id,
            ["userId"] = "user-" + id[^3..],
            ["event"] = "Order Completed",
            ["properties"] = new JsonObject { ["orderId"] = id, ["revenue"] = 19.99 },
            ["timestamp"] = "2026-12-06T12:00:00Z",
        })]),
    }.ToJsonString();
}
