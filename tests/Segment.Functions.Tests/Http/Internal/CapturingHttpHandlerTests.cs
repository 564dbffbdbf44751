using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Segment.Functions.Dispatch.Internal;
using Segment.Functions.Hosting;
using Segment.Functions.Http.Internal;
using Segment.Functions.Settings.Internal;

namespace Segment.Functions.Tests.Http.Internal;

[FixtureLifeCycle(LifeCycle.InstancePerTestCase)]
public sealed class CapturingHttpHandlerTests
{
    private const string Secret = "s3cr3t/k?y";
    private const string Url = "https://api.example.test/v1/events";
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _time = new(Start);
    private readonly FakeHttpHandler _server = new();

    [TearDown]
    public void LeaveNoCapture() => InvocationCapture.Current = null;

    [Test]
    public async Task SendAsync_OutsideAnInvocation_OnlyPassesTheRequestOn()
    {
        _server.On(HttpMethod.Get, Url).Respond(HttpStatusCode.OK, "pong");
        using var sut = CreateSut();

        using var response = await sut.SendAsync(new HttpRequestMessage(HttpMethod.Get, Url), CancellationToken.None);

        Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo("pong"));
        Assert.That(_server.Received, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task SendAsync_InAnInvocation_RecordsTheRequestItsResponseAndTheTimeTaken()
    {
        _server.On(HttpMethod.Post, Url).Respond((_, _) =>
        {
            _time.Advance(TimeSpan.FromMilliseconds(250));
            var answer = new HttpResponseMessage(HttpStatusCode.Created) { Content = new StringContent("{\"id\":7}") };
            answer.Headers.Add("X-Trace-Tag", "r-1");
            return Task.FromResult(answer);
        });
        var capture = StartInvocation();
        using var sut = CreateSut();
        using var request = new HttpRequestMessage(HttpMethod.Post, Url) { Content = new StringContent("{\"event\":\"A\"}") };
        request.Headers.Add("X-Custom", "v");

        using var response = await sut.SendAsync(request, CancellationToken.None);

        var trace = capture.HttpTraces.Single();
        Assert.That(trace.Method, Is.EqualTo("POST"));
        Assert.That(trace.Url, Is.EqualTo(Url));
        Assert.That(trace.RequestHeaders, Does.Contain(Header("X-Custom", "v")).And.Contain(Header("Content-Type", "text/plain; charset=utf-8")));
        Assert.That(trace.RequestBody, Is.EqualTo("{\"event\":\"A\"}"));
        Assert.That(trace.StatusCode, Is.EqualTo(201));
        Assert.That(trace.ResponseHeaders, Does.Contain(Header("X-Trace-Tag", "r-1")));
        Assert.That(trace.ResponseBody, Is.EqualTo("{\"id\":7}"));
        Assert.That(trace.Error, Is.Null);
        Assert.That(trace.StartedAt, Is.EqualTo(Start));
        Assert.That(trace.Duration, Is.EqualTo(TimeSpan.FromMilliseconds(250)));
        Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo("{\"id\":7}"), "the caller still reads the body the trace read");
    }

    [Test]
    public async Task SendAsync_NoRequestContent_HasNoRequestBody_AndAnEmptyResponseBodyIsEmpty()
    {
        _server.On(HttpMethod.Get, Url).Respond(HttpStatusCode.NoContent);
        var capture = StartInvocation();
        using var sut = CreateSut();

        using var _ = await sut.SendAsync(new HttpRequestMessage(HttpMethod.Get, Url), CancellationToken.None);

        var trace = capture.HttpTraces.Single();
        Assert.That(trace.RequestBody, Is.Null);
        Assert.That(trace.ResponseBody, Is.Empty);
    }

    [TestCase("Authorization")]
    [TestCase("Proxy-Authorization")]
    [TestCase("Cookie")]
    [TestCase("X-Api-Key")]
    [TestCase("x-api-key")]
    [TestCase("Api-Key")]
    public async Task SendAsync_CredentialRequestHeader_IsAlwaysHidden(string name)
    {
        _server.On(HttpMethod.Get, Url).Respond(HttpStatusCode.OK);
        var capture = StartInvocation(SecretRedactor.None);
        using var sut = CreateSut();
        using var request = new HttpRequestMessage(HttpMethod.Get, Url);
        request.Headers.TryAddWithoutValidation(name, "not-a-known-secret");

        using var _ = await sut.SendAsync(request, CancellationToken.None);

        var header = capture.HttpTraces.Single().RequestHeaders.Single(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase));
        Assert.That(header.Value, Is.EqualTo("***"));
    }

    [Test]
    public async Task SendAsync_SetCookieInTheResponse_IsAlwaysHidden()
    {
        _server.On(HttpMethod.Get, Url).Respond(HttpStatusCode.OK, body: null, headers: new Dictionary<string, string> { ["Set-Cookie"] = "session=abc" });
        var capture = StartInvocation(SecretRedactor.None);
        using var sut = CreateSut();

        using var _ = await sut.SendAsync(new HttpRequestMessage(HttpMethod.Get, Url), CancellationToken.None);

        Assert.That(capture.HttpTraces.Single().ResponseHeaders, Does.Contain(Header("Set-Cookie", "***")));
    }

    [Test]
    public async Task SendAsync_SecretEverywhere_IsRedactedFromEveryPartOfTheTrace()
    {
        _server.On(HttpMethod.Post, $"{Url}*").Respond(HttpStatusCode.OK, $"{{\"echo\":\"{Secret}\"}}", new Dictionary<string, string> { ["X-Echo"] = Secret });
        var capture = StartInvocation();
        using var sut = CreateSut();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{Url}?raw={Secret}&escaped={Uri.EscapeDataString(Secret)}")
        {
            Content = new StringContent($"key={Secret}"),
        };
        request.Headers.TryAddWithoutValidation("X-Custom", $"Bearer {Secret}");

        using var _ = await sut.SendAsync(request, CancellationToken.None);

        var trace = capture.HttpTraces.Single();
        var written = JsonSerializer.Serialize(trace);
        Assert.That(written, Does.Not.Contain(Secret).And.Not.Contain(Uri.EscapeDataString(Secret)).And.Not.Contain("s3cr3t"));
        Assert.That(trace.Url, Is.EqualTo($"{Url}?raw=***&escaped=***"));
        Assert.That(trace.RequestHeaders, Does.Contain(Header("X-Custom", "Bearer ***")));
        Assert.That(trace.RequestBody, Is.EqualTo("key=***"));
        Assert.That(trace.ResponseBody, Is.EqualTo("{\"echo\":\"***\"}"));
        Assert.That(trace.ResponseHeaders, Does.Contain(Header("X-Echo", "***")));
    }

    [Test]
    public async Task SendAsync_BodiesOverTheLimit_AreCutWithAMark()
    {
        _server.On(HttpMethod.Post, Url).Respond(HttpStatusCode.OK, new string('r', 100));
        var capture = StartInvocation(options: new InvocationOptions { MaxHttpBodyBytes = 16 });
        using var sut = CreateSut();
        using var request = new HttpRequestMessage(HttpMethod.Post, Url) { Content = new StringContent(new string('q', 40)) };

        using var response = await sut.SendAsync(request, CancellationToken.None);

        var trace = capture.HttpTraces.Single();
        Assert.That(trace.RequestBody, Is.EqualTo(new string('q', 16) + "… [body truncated: 40 bytes in all]"));
        Assert.That(trace.ResponseBody, Is.EqualTo(new string('r', 16) + "… [body truncated: 100 bytes in all]"));
        Assert.That(await response.Content.ReadAsStringAsync(), Has.Length.EqualTo(100), "the caller gets the whole body");
    }

    [Test]
    public async Task SendAsync_CutFallingInsideASecret_LeavesNoPartOfIt()
    {
        _server.On(HttpMethod.Post, Url).Respond(HttpStatusCode.OK);
        var capture = StartInvocation(new SecretRedactor(["TOPSECRETVALUE"]), new InvocationOptions { MaxHttpBodyBytes = 14 });
        using var sut = CreateSut();
        using var request = new HttpRequestMessage(HttpMethod.Post, Url) { Content = new StringContent("0123456789TOPSECRETVALUE0123456789") };

        using var _ = await sut.SendAsync(request, CancellationToken.None);

        Assert.That(capture.HttpTraces.Single().RequestBody, Does.StartWith("0123456789***0… [body truncated:").And.Not.Contain("TOPS"));
    }

    [Test]
    public async Task SendAsync_BodyOfMultiByteCharactersOverTheLimit_IsCutBetweenCharacters()
    {
        _server.On(HttpMethod.Post, Url).Respond(HttpStatusCode.OK);
        var capture = StartInvocation(options: new InvocationOptions { MaxHttpBodyBytes = 10 });
        using var sut = CreateSut();
        using var request = new HttpRequestMessage(HttpMethod.Post, Url) { Content = new StringContent(new string('€', 10)) };

        using var _ = await sut.SendAsync(request, CancellationToken.None);

        Assert.That(capture.HttpTraces.Single().RequestBody, Is.EqualTo("€€€… [body truncated: 30 bytes in all]"));
    }

    [Test]
    public async Task SendAsync_NetworkError_IsRecordedAsTheErrorAndStillThrown()
    {
        _server.On(HttpMethod.Get, Url).Respond((_, _) =>
        {
            _time.Advance(TimeSpan.FromSeconds(2));
            throw new HttpRequestException($"Connection refused ({Secret})");
        });
        var capture = StartInvocation();
        using var sut = CreateSut();

        Assert.That(
            async () => await sut.SendAsync(new HttpRequestMessage(HttpMethod.Get, Url), CancellationToken.None),
            Throws.TypeOf<HttpRequestException>().With.Message.Contains(Secret),
            "the function sees the original exception");

        var trace = capture.HttpTraces.Single();
        Assert.That(trace.StatusCode, Is.Null);
        Assert.That(trace.Error, Is.EqualTo("HttpRequestException: Connection refused (***)"));
        Assert.That(trace.Duration, Is.EqualTo(TimeSpan.FromSeconds(2)));
    }

    [Test]
    public async Task SendAsync_ResponseBodyBreakingMidStream_IsRecordedAndTheCallerSeesTheSameFailure()
    {
        _server.On(HttpMethod.Get, Url).Respond(_ => new HttpResponseMessage(HttpStatusCode.OK) { Content = new BrokenContent() });
        var capture = StartInvocation();
        using var sut = CreateSut();

        using var response = await sut.SendAsync(new HttpRequestMessage(HttpMethod.Get, Url), CancellationToken.None);

        var trace = capture.HttpTraces.Single();
        Assert.That(trace.StatusCode, Is.EqualTo(200));
        Assert.That(trace.ResponseBody, Does.StartWith("<body could not be read: "));
        Assert.That(trace.ResponseHeaders, Does.Contain(Header("X-Broken", "yes")));
        Assert.That(response.Content.Headers.GetValues("X-Broken"), Is.EqualTo(new[] { "yes" }), "the content's headers are kept");
        var failure = Assert.ThrowsAsync<HttpRequestException>(() => response.Content.ReadAsStringAsync());
        Assert.That(trace.ResponseBody, Is.EqualTo($"<body could not be read: {failure!.Message}>"));
        Assert.That(failure.InnerException, Is.TypeOf<IOException>().With.Message.EqualTo("connection reset mid-body"));
    }

    [Test]
    public async Task SendAsync_CancelledWhileTheResponseBodyStreams_DisposesTheResponseAndThrows()
    {
        var body = new StalledContent();
        _server.On(HttpMethod.Get, Url).Respond(_ => new HttpResponseMessage(HttpStatusCode.OK) { Content = body });
        StartInvocation();
        using var sut = CreateSut();
        using var cancellation = new CancellationTokenSource();

        var sending = sut.SendAsync(new HttpRequestMessage(HttpMethod.Get, Url), cancellation.Token);
        await body.Started.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await cancellation.CancelAsync();

        Assert.That(async () => await sending.WaitAsync(TimeSpan.FromSeconds(10)), Throws.InstanceOf<OperationCanceledException>());
        Assert.That(body.Disposed, Is.True, "nobody else holds the response to dispose it");
    }

    [Test]
    public async Task SendAsync_ConcurrentInvocations_EachRecordOnlyTheirOwnRequests()
    {
        _server.On(HttpMethod.Get, $"{Url}*").Respond(HttpStatusCode.OK);
        using var sut = CreateSut();

        var invocations = Enumerable.Range(0, 8).Select(i => Task.Run(async () =>
        {
            var capture = StartInvocation();
            for (var n = 0; n < 5; n++)
            {
                using var _ = await sut.SendAsync(new HttpRequestMessage(HttpMethod.Get, $"{Url}?invocation={i}"), CancellationToken.None);
            }

            return (Index: i, Capture: capture);
        })).ToArray();
        var results = await Task.WhenAll(invocations).WaitAsync(TimeSpan.FromSeconds(30));

        foreach (var (index, capture) in results)
        {
            Assert.That(capture.HttpTraces, Has.Count.EqualTo(5));
            Assert.That(capture.HttpTraces.Select(t => t.Url), Is.All.EqualTo($"{Url}?invocation={index}"));
        }
    }

    private static KeyValuePair<string, string> Header(string name, string value) => new(name, value);

    private HttpMessageInvoker CreateSut() => new(new CapturingHttpHandler(_server));

    private InvocationCapture StartInvocation(SecretRedactor? redactor = null, InvocationOptions? options = null)
    {
        var capture = new InvocationCapture(options ?? new InvocationOptions(), redactor ?? new SecretRedactor([Secret]), _time);
        InvocationCapture.Current = capture;
        return capture;
    }

    /// <summary>A body whose connection drops after the first bytes; like a network stream, it can be read only once.</summary>
    private sealed class BrokenContent : HttpContent
    {
        private bool _read;

        public BrokenContent() => Headers.TryAddWithoutValidation("X-Broken", "yes");

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            if (_read)
            {
                throw new InvalidOperationException("The stream was already consumed. It cannot be read again.");
            }

            _read = true;
            await stream.WriteAsync("{\"partial\":"u8.ToArray());
            throw new IOException("connection reset mid-body");
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }

    /// <summary>A body that never arrives; it says when it is being read and whether it was disposed.</summary>
    private sealed class StalledContent : HttpContent
    {
        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool Disposed { get; private set; }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
            SerializeToStreamAsync(stream, context, CancellationToken.None);

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
        {
            Started.TrySetResult();
            await new TaskCompletionSource().Task.WaitAsync(cancellationToken);
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }

        protected override void Dispose(bool disposing)
        {
            Disposed = true;
            base.Dispose(disposing);
        }
    }
}
