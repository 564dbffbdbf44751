using System.Net;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using Segment.Functions.Dispatch.Internal;
using Segment.Functions.Hosting;
using Segment.Functions.Http.Internal;
using Segment.Functions.Settings.Internal;

namespace Segment.Functions.Tests.Http.Internal;

/// <summary>
/// What a trace keeps of a body: the first <see cref="InvocationOptions.MaxHttpBodyBytes"/> of the
/// redacted text, never part of a secret, never half a character, with a mark giving the body's size
/// when something was left out; and the body itself stays whole for whoever reads it next.
/// </summary>
public sealed class TraceBodyTests
{
    private const string Secret = "TOPSECRETVALUE";
    private static readonly SecretRedactor Redactor = new([Secret]);

    [Test]
    public async Task ReadAsync_NoContent_IsNull()
    {
        Assert.That(await TraceBody.ReadAsync(null, 16, Redactor, CancellationToken.None), Is.Null);
    }

    [Test]
    public async Task ReadAsync_EmptyBody_IsEmpty()
    {
        using var content = new ByteArrayContent([]);

        Assert.That(await TraceBody.ReadAsync(content, 16, Redactor, CancellationToken.None), Is.Empty);
    }

    [Test]
    public async Task ReadAsync_EmptyStreamedBody_IsEmpty()
    {
        using var content = new StreamContent(new OneWayStream([]));

        Assert.That(await TraceBody.ReadAsync(content, 16, Redactor, CancellationToken.None), Is.Empty);
    }

    [Test]
    public async Task ReadAsync_BodySmallerThanTheLimit_IsKeptWholeRedactedWithoutAMark()
    {
        using var content = new StringContent($"key={Secret}&n=1");

        Assert.That(await TraceBody.ReadAsync(content, 4096, Redactor, CancellationToken.None), Is.EqualTo("key=***&n=1"));
    }

    [Test]
    public async Task ReadAsync_BodyOfExactlyTheLimit_IsKeptWholeWithoutAMark()
    {
        using var content = new StringContent(new string('a', 16));

        Assert.That(await TraceBody.ReadAsync(content, 16, Redactor, CancellationToken.None), Is.EqualTo(new string('a', 16)));
    }

    [Test]
    public async Task ReadAsync_LongBodyWithTheSecretAcrossTheCut_KeepsNoPartOfIt()
    {
        using var content = new StringContent("0123456789" + Secret + new string('x', 10_000));

        var kept = await TraceBody.ReadAsync(content, 14, Redactor, CancellationToken.None);

        Assert.That(kept, Is.EqualTo("0123456789***x… [body truncated: 10024 bytes in all]"));
    }

    [TestCase(1, "*")]
    [TestCase(2, "**")]
    [TestCase(13, "***bbbbbbbbbb")]
    public async Task ReadAsync_LimitEndingInsideTheSecret_KeepsOnlyItsMask(int limitInto, string keptAfterTheAs)
    {
        using var content = new StringContent(new string('a', 20) + Secret + new string('b', 10_000));

        var kept = await TraceBody.ReadAsync(content, 20 + limitInto, Redactor, CancellationToken.None);

        Assert.That(kept, Is.EqualTo(new string('a', 20) + keptAfterTheAs + "… [body truncated: 10034 bytes in all]"));
    }

    [Test]
    public async Task ReadAsync_SecretAcrossTheEndOfTheFirstRead_IsNotShownInPart()
    {
        // The first read is the limit, the longest secret and 4 bytes (32): it ends inside the second
        // secret (bytes 19-32). The first mask frees 11 bytes of the limit, so that part of the second
        // secret would fall inside the kept text if it were taken as plain text.
        using var content = new StringContent(Secret + "xxxxx" + Secret + new string('y', 10_000));

        var kept = await TraceBody.ReadAsync(content, 14, Redactor, CancellationToken.None);

        Assert.That(kept, Is.EqualTo("***xxxxx***yyy… [body truncated: 10033 bytes in all]"));
    }

    [Test]
    public async Task ReadAsync_SecretsShorteningTheStartBeyondTheFirstRead_StillFillTheLimitWithoutLeaking()
    {
        // Each secret becomes three characters: the kept 40 bytes come from far more of the body than the first read.
        var body = string.Concat(Enumerable.Repeat(Secret + "-", 50)) + new string('z', 10_000);
        using var content = new StringContent(body);

        var kept = await TraceBody.ReadAsync(content, 40, Redactor, CancellationToken.None);

        Assert.That(kept, Is.EqualTo("***-***-***-***-***-***-***-***-***-***-… [body truncated: 10750 bytes in all]"));
    }

    [Test]
    public async Task ReadAsync_OnlySecrets_CutInsideAMask()
    {
        using var content = new StringContent(string.Concat(Enumerable.Repeat(Secret, 100)));

        var kept = await TraceBody.ReadAsync(content, 20, Redactor, CancellationToken.None);

        Assert.That(kept, Is.EqualTo(new string('*', 20) + "… [body truncated: 1400 bytes in all]"));
    }

    [Test]
    public async Task ReadAsync_MultiByteCharacterAcrossTheCut_IsLeftOutWhole()
    {
        using var content = new StringContent("a" + new string('€', 10_000));

        var kept = await TraceBody.ReadAsync(content, 6, Redactor, CancellationToken.None);

        Assert.That(kept, Is.EqualTo("a€… [body truncated: 30001 bytes in all]"), "a, €, and 2 bytes of room are not enough for the next €");
    }

    [TestCase(0)]
    [TestCase(1)]
    [TestCase(2)]
    [TestCase(3)]
    public async Task ReadAsync_FourByteCharactersAcrossTheEndOfWhatIsRead_AreNeverReplacedOrSplit(int asciiBefore)
    {
        // Without secrets the first read is the limit and 4 bytes: shifting the text by 0-3 bytes puts the
        // end of that read at every position inside a 4-byte character.
        var redactor = SecretRedactor.None;
        using var content = new StringContent(new string('a', asciiBefore) + string.Concat(Enumerable.Repeat("😀", 5_000)));

        var kept = await TraceBody.ReadAsync(content, 9, redactor, CancellationToken.None);

        Assert.That(kept, Does.Contain("… [body truncated: "));
        var text = kept![..kept.IndexOf('…', StringComparison.Ordinal)];
        Assert.That(text, Is.EqualTo(new string('a', asciiBefore) + (asciiBefore <= 1 ? "😀😀" : "😀")));
        Assert.That(text, Does.Not.Contain("\uFFFD"));
    }

    [Test]
    public async Task ReadAsync_LimitZero_KeepsOnlyTheMark()
    {
        using var content = new StringContent("abc");

        Assert.That(await TraceBody.ReadAsync(content, 0, Redactor, CancellationToken.None), Is.EqualTo("… [body truncated: 3 bytes in all]"));
    }

    [Test]
    public async Task ReadAsync_StreamedBody_KeepsItsStartAndLeavesTheWholeBodyToTheNextReader()
    {
        var bytes = Encoding.UTF8.GetBytes(Secret + new string('s', 100_000));
        using var content = new StreamContent(new OneWayStream(bytes));

        var kept = await TraceBody.ReadAsync(content, 10, Redactor, CancellationToken.None);

        Assert.That(kept, Is.EqualTo("***sssssss… [body truncated: 100014 bytes in all]"));
        Assert.That(await content.ReadAsByteArrayAsync(), Is.EqualTo(bytes), "the body was buffered, not consumed");
    }

    [Test]
    public async Task ReadAsync_InMemoryBody_CanBeReadAgainAfterwards()
    {
        var bytes = Encoding.UTF8.GetBytes(new string('m', 50_000));
        using var content = new ReadOnlyMemoryContent(bytes);

        await TraceBody.ReadAsync(content, 10, Redactor, CancellationToken.None);

        Assert.That(await content.ReadAsByteArrayAsync(), Is.EqualTo(bytes));
    }

    [Test]
    public async Task ReadAsync_RandomBodies_KeepWhatRedactingTheWholeBodyThenCuttingItWouldKeep()
    {
        // The reference is the simple way (decode all, redact all, cut): the trace must keep the same text.
        var random = new Random(20261206);
        string[] pieces = ["a", "{\"k\":", " ", "€", "😀", "é", Secret, Secret, Uri.EscapeDataString(Secret + "/"), "TOPSECRET"];
        var redactor = new SecretRedactor([Secret, Secret + "/"]);
        for (var run = 0; run < 2_000; run++)
        {
            var body = string.Concat(Enumerable.Range(0, random.Next(0, 120)).Select(_ => pieces[random.Next(pieces.Length)]));
            var maxBytes = random.Next(0, 80);
            using var content = run % 2 == 0 ? new StringContent(body) : (HttpContent)new StreamContent(new OneWayStream(Encoding.UTF8.GetBytes(body)));

            var kept = await TraceBody.ReadAsync(content, maxBytes, redactor, CancellationToken.None);

            var redacted = redactor.Redact(body);
            var expected = Encoding.UTF8.GetByteCount(redacted) <= maxBytes
                ? redacted
                : $"{Utf8Text.Prefix(redacted, maxBytes)}… [body truncated: {Encoding.UTF8.GetByteCount(body)} bytes in all]";
            Assert.That(kept, Is.EqualTo(expected), $"body \"{body}\", limit {maxBytes}");
        }
    }

    [Test]
    public async Task SendAsync_StreamedRequestAndResponseBodies_AreTracedInPartAndDeliveredWhole()
    {
        const string Url = "https://api.example.test/upload";
        var upload = Encoding.UTF8.GetBytes(new string('u', 200_000));
        var download = Encoding.UTF8.GetBytes(Secret + new string('d', 300_000));
        byte[]? received = null;
        var server = new FakeHttpHandler();
        server.On(HttpMethod.Post, Url).Respond(async (request, token) =>
        {
            received = await request.Content!.ReadAsByteArrayAsync(token);
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(new OneWayStream(download)) };
        });
        var capture = new InvocationCapture(new InvocationOptions { MaxHttpBodyBytes = 8 }, Redactor, new FakeTimeProvider());
        InvocationCapture.Current = capture;
        try
        {
            using var client = new HttpMessageInvoker(new CapturingHttpHandler(server));
            using var request = new HttpRequestMessage(HttpMethod.Post, Url) { Content = new StreamContent(new OneWayStream(upload)) };

            using var response = await client.SendAsync(request, CancellationToken.None);

            var trace = capture.HttpTraces.Single();
            Assert.That(trace.RequestBody, Is.EqualTo("uuuuuuuu… [body truncated: 200000 bytes in all]"));
            Assert.That(trace.ResponseBody, Is.EqualTo("***ddddd… [body truncated: 300014 bytes in all]"));
            Assert.That(received, Is.EqualTo(upload), "the server got the whole request body");
            Assert.That(await response.Content.ReadAsByteArrayAsync(), Is.EqualTo(download), "the caller gets the whole response body");
        }
        finally
        {
            InvocationCapture.Current = null;
        }
    }

    /// <summary>A stream that can be read once, front to back, in small reads, like a network stream.</summary>
    private sealed class OneWayStream(byte[] bytes) : Stream
    {
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var read = Math.Min(Math.Min(count, 1_000), bytes.Length - _position);
            bytes.AsSpan(_position, read).CopyTo(buffer.AsSpan(offset));
            _position += read;
            return read;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
