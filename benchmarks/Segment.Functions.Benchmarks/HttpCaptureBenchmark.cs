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
/// encrypted setting to look for, as a destination with an API key has. <see cref="BatchBody"/> posts
/// what <c>OnBatch(400)</c> posts instead: 400 track events as one JSON array (about 450 KB), of which
/// the trace keeps only the first <see cref="InvocationOptions.MaxHttpBodyBytes"/>.
/// </summary>
[MemoryDiagnoser]
public class HttpCaptureBenchmark
{
    private static readonly Uri Endpoint = new("https://api.acme.test/v1/events");
    private static readonly byte[] SmallBody = Encoding.UTF8.GetBytes(
        """{"event_name":"Product Added","event_properties":{"sku":"G-32","price":18.99,"quantity":1},"timestamp":"2024-01-05T14:22:12.414Z"}""");

    private static readonly byte[] BatchOf400 = Encoding.UTF8.GetBytes(
        "[" + string.Join(",", Enumerable.Repeat(Encoding.UTF8.GetString(BenchmarkFixtures.Event("track.json")).Trim(), 400)) + "]");

    private readonly InvocationOptions _options = new();
    private SecretRedactor _redactor = SecretRedactor.None;
    private HttpClient _plain = null!;
    private HttpClient _capturing = null!;

    private byte[] _body = SmallBody;

    [Params(false, true)]
    public bool WithSecret { get; set; }

    /// <summary>Whether the request body is a batch of 400 events rather than one small event.</summary>
    [Params(false, true)]
    public bool BatchBody { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _body = BatchBody ? BatchOf400 : SmallBody;
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
            using var request = new HttpRequestMessage(HttpMethod.Post, Endpoint) { Content = new ByteArrayContent(_body) };
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
