using System.Net;
using System.Text;
using BenchmarkDotNet.Attributes;
using Segment.Functions.Dispatch.Internal;
using Segment.Functions.Hosting;
using Segment.Functions.Http.Internal;
using Segment.Functions.Settings.Internal;

namespace Segment.Functions.Benchmarks;

/// <summary>
/// One POST with a small JSON body through an <see cref="HttpClient"/> over a handler that answers 200
/// without any network, inside an <see cref="InvocationCapture"/> scope (as a handler's request runs):
/// without <see cref="CapturingHttpHandler"/> (baseline) and with it (the trace of the request: URL,
/// headers and both bodies read, redacted and kept). <see cref="WithSecret"/> gives the redactor one
/// encrypted setting to look for, as a destination with an API key has.
/// </summary>
[MemoryDiagnoser]
public class HttpCaptureBenchmark
{
    private static readonly Uri Endpoint = new("https://api.acme.test/v1/events");
    private static readonly byte[] RequestBody = Encoding.UTF8.GetBytes(
        """{"event_name":"Product Added","event_properties":{"sku":"G-32","price":18.99,"quantity":1},"timestamp":"2024-01-05T14:22:12.414Z"}""");

    private readonly InvocationOptions _options = new();
    private SecretRedactor _redactor = SecretRedactor.None;
    private HttpClient _plain = null!;
    private HttpClient _capturing = null!;

    [Params(false, true)]
    public bool WithSecret { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _redactor = WithSecret ? new SecretRedactor(["sk_live_5f3a9c1e7b2d4a6f"]) : SecretRedactor.None;
        _plain = new HttpClient(new NoNetworkHandler());
        _capturing = new HttpClient(new CapturingHttpHandler(new NoNetworkHandler()));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _plain.Dispose();
        _capturing.Dispose();
    }

    [Benchmark(Baseline = true)]
    public int WithoutCapturingHandler() => Send(_plain);

    [Benchmark]
    public int WithCapturingHandler() => Send(_capturing);

    private int Send(HttpClient client)
    {
        var capture = new InvocationCapture(_options, _redactor, TimeProvider.System);
        var previous = InvocationCapture.Current;
        InvocationCapture.Current = capture;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, Endpoint) { Content = new ByteArrayContent(RequestBody) };
            request.Content.Headers.ContentType = new("application/json");
            // SendAsync: a DelegatingHandler's synchronous Send would bypass the capture.
            using var response = client.SendAsync(request).GetAwaiter().GetResult();
            return (int)response.StatusCode + capture.HttpTraces.Count;
        }
        finally
        {
            InvocationCapture.Current = previous;
        }
    }

    /// <summary>Answers every request with 200 and a small JSON body, at once.</summary>
    private sealed class NoNetworkHandler : HttpMessageHandler
    {
        private static readonly byte[] Body = """{"ok":true}"""u8.ToArray();

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(Respond(request));

        private static HttpResponseMessage Respond(HttpRequestMessage request)
        {
            var response = new HttpResponseMessage(HttpStatusCode.OK) { RequestMessage = request, Content = new ByteArrayContent(Body) };
            response.Content.Headers.ContentType = new("application/json");
            return response;
        }
    }
}
