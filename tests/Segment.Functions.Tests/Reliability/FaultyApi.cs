using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Segment.Functions.Tests.Reliability;

/// <summary>
/// A real HTTP server on loopback (System.Net's <see cref="HttpListener"/>, so the core's tests need
/// no web framework) whose paths misbehave on purpose: /ok, /status/{code}, /throttle (429,
/// Retry-After: 120), /hang (never answers), /reset (drops the connection mid-response), /truncated
/// (promises more body than it sends), /flap (500, then 200, alternating), /hooks/{code}/{anything}
/// (answers that status and echoes the request's path and query).
/// </summary>
internal sealed class FaultyApi : IAsyncDisposable
{
    private readonly HttpListener _listener;
    private readonly ConcurrentDictionary<string, int> _hits = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _serving;
    private int _flaps;

    private FaultyApi(HttpListener listener, string baseUrl)
    {
        _listener = listener;
        BaseUrl = baseUrl;
        _serving = ServeAsync();
    }

    public string BaseUrl { get; }

    /// <summary>Completes when /hang has received a request.</summary>
    public TaskCompletionSource Hung { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Hits(string path) => _hits.GetValueOrDefault(path);

    /// <summary>Every path requested so far.</summary>
    public ICollection<string> Paths => _hits.Keys;

    public static Task<FaultyApi> StartAsync()
    {
        // HttpListener cannot bind port 0: take a free port from the system, then listen on it
        // (a few tries, in case another process takes it in between).
        for (var attempt = 0; ; attempt++)
        {
            var port = FreePort();
            var listener = new HttpListener();
            listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            try
            {
                listener.Start();
                return Task.FromResult(new FaultyApi(listener, $"http://127.0.0.1:{port}"));
            }
            catch (HttpListenerException) when (attempt < 5)
            {
                listener.Close();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        _listener.Close();
        try
        {
            await _serving.WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or OperationCanceledException)
        {
        }

        _stopping.Dispose();
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private async Task ServeAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            _ = Task.Run(() => AnswerAsync(context));
        }
    }

    private async Task AnswerAsync(HttpListenerContext context)
    {
        var request = context.Request;
        var response = context.Response;
        var path = request.Url!.AbsolutePath;
        _hits.AddOrUpdate(path, 1, static (_, n) => n + 1);
        try
        {
            await request.InputStream.CopyToAsync(Stream.Null);
            var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
            switch (segments.FirstOrDefault())
            {
                case "ok":
                    await WriteAsync(response, 200, "{\"ok\":true}");
                    break;
                case "status" when segments.Length == 2 && int.TryParse(segments[1], out var status):
                    await WriteAsync(response, status, "");
                    break;
                case "throttle":
                    response.Headers["Retry-After"] = "120";
                    await WriteAsync(response, 429, "");
                    break;
                case "hang":
                    Hung.TrySetResult();
                    await Task.Delay(Timeout.InfiniteTimeSpan, _stopping.Token);
                    break;
                case "reset":
                    await PartialAsync(response, 1000, "{\"partial\":");
                    break;
                case "truncated":
                    await PartialAsync(response, 100_000, new string('x', 10));
                    break;
                case "hooks" when segments.Length >= 2 && int.TryParse(segments[1], out var code):
                    await WriteAsync(response, code, $"{{\"echo\":\"{path}{request.Url.Query}\"}}");
                    break;
                case "flap":
                    await WriteAsync(response, Interlocked.Increment(ref _flaps) % 2 == 1 ? 500 : 200, "");
                    break;
                default:
                    await WriteAsync(response, 404, "");
                    break;
            }
        }
        catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or OperationCanceledException or IOException)
        {
            response.Abort();
        }
    }

    private static async Task WriteAsync(HttpListenerResponse response, int status, string body)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        response.StatusCode = status;
        response.ContentType = "application/json";
        response.ContentLength64 = bytes.Length;
        await response.OutputStream.WriteAsync(bytes);
        response.Close();
    }

    // Promises a body of `length` bytes, sends the start of it, then drops the connection.
    private static async Task PartialAsync(HttpListenerResponse response, int length, string start)
    {
        response.StatusCode = 200;
        response.ContentLength64 = length;
        await response.OutputStream.WriteAsync(Encoding.UTF8.GetBytes(start));
        await response.OutputStream.FlushAsync();
        response.Abort();
    }
}
