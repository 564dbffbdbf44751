using System.IO.Compression;
using System.Text;
using Microsoft.AspNetCore.Http;
using Segment.Functions.AspNetCore.Internal;

namespace Segment.Functions.Tests.Ingestion.Internal;

public sealed class RequestBodyTests
{
    private const int Limit = 1_000;

    [TestCase(0)]
    [TestCase(1)]
    [TestCase(Limit - 1)]
    [TestCase(Limit)]
    public async Task ReadAsync_BodyUpToTheLimit_ReturnsItWhole(int size)
    {
        var bytes = Bytes(size);

        var body = await RequestBody.ReadAsync(Request(bytes), Limit, CancellationToken.None);

        Assert.That(body, Is.EqualTo(bytes));
    }

    [TestCase(true)]
    [TestCase(false)]
    public async Task ReadAsync_BodyOneByteOverTheLimit_IsNull(bool declaresItsLength)
    {
        var body = await RequestBody.ReadAsync(Request(Bytes(Limit + 1), declaresItsLength), Limit, CancellationToken.None);

        Assert.That(body, Is.Null);
    }

    [Test]
    public async Task ReadAsync_DeclaredLengthOverTheLimit_IsRefusedWithoutReading()
    {
        using var stream = new MemoryStream(Bytes(Limit + 1));

        var body = await RequestBody.ReadAsync(Request(stream, Limit + 1), Limit, CancellationToken.None);

        Assert.That(body, Is.Null);
        Assert.That(stream.Position, Is.Zero);
    }

    [Test]
    public async Task ReadAsync_HugeBodyWithoutALength_StopsSoonAfterTheLimit()
    {
        using var stream = new MemoryStream(Bytes(Limit * 1_000));

        var body = await RequestBody.ReadAsync(Request(stream, contentLength: null), Limit, CancellationToken.None);

        Assert.That(body, Is.Null);
        Assert.That(stream.Position, Is.LessThanOrEqualTo(2 * (Limit + 1)), "one buffer past the limit at most");
    }

    [TestCase("gzip")]
    [TestCase("GZIP")]
    [TestCase("x-gzip")]
    public async Task ReadAsync_Gzip_ReturnsTheDecodedBody(string contentEncoding)
    {
        var json = Encoding.UTF8.GetBytes("{\"type\":\"track\",\"event\":\"E\",\"userId\":\"u\"}");

        var body = await RequestBody.ReadAsync(Request(Gzip(json), contentEncoding: contentEncoding), Limit, CancellationToken.None);

        Assert.That(body, Is.EqualTo(json));
    }

    [Test]
    public async Task ReadAsync_GzipDecodingPastTheLimit_IsNull()
    {
        // A few compressed bytes that expand far past the limit: the limit is on what is decoded.
        var compressed = Gzip(new byte[Limit * 100]);
        Assert.That(compressed, Has.Length.LessThan(Limit));

        var body = await RequestBody.ReadAsync(Request(compressed, contentEncoding: "gzip"), Limit, CancellationToken.None);

        Assert.That(body, Is.Null);
    }

    [Test]
    public async Task ReadAsync_GzipLargerThanTheLimitButDecodingUnderIt_IsAccepted()
    {
        // Random bytes do not compress: the encoded body is longer than what it decodes to.
        var decoded = new byte[Limit];
        new Random(7).NextBytes(decoded);
        var compressed = Gzip(decoded);
        Assert.That(compressed, Has.Length.GreaterThan(Limit));

        var body = await RequestBody.ReadAsync(Request(compressed, contentEncoding: "gzip"), Limit, CancellationToken.None);

        Assert.That(body, Is.EqualTo(decoded));
    }

    [Test]
    public void ReadAsync_BrokenGzip_ThrowsInvalidDataException()
    {
        var request = Request(Encoding.UTF8.GetBytes("this is not gzip at all"), contentEncoding: "gzip");

        Assert.That(async () => await RequestBody.ReadAsync(request, Limit, CancellationToken.None), Throws.InstanceOf<InvalidDataException>());
    }

    [Test]
    public async Task ReadAsync_Gzip_LeavesTheServersBodyStreamOpen()
    {
        var request = Request(Gzip(Bytes(10)), contentEncoding: "gzip");

        await RequestBody.ReadAsync(request, Limit, CancellationToken.None);

        Assert.That(request.Body.CanRead, Is.True, "the request body belongs to the server");
    }

    [Test]
    public void ReadAsync_Cancelled_Throws()
    {
        using var cancellation = new CancellationTokenSource();
        cancellation.Cancel();
        var request = Request(Bytes(10));

        Assert.That(async () => await RequestBody.ReadAsync(request, Limit, cancellation.Token), Throws.InstanceOf<OperationCanceledException>());
    }

    [Test]
    public async Task ReadAsync_BodyArrivingInSmallPieces_IsReadWhole()
    {
        var bytes = Bytes(Limit);
        using var stream = new TrickleStream(bytes, pieceSize: 7);

        var body = await RequestBody.ReadAsync(Request(stream, contentLength: null), Limit, CancellationToken.None);

        Assert.That(body, Is.EqualTo(bytes));
    }

    private static byte[] Bytes(int size) => Enumerable.Range(0, size).Select(i => (byte)('a' + (i % 26))).ToArray();

    private static byte[] Gzip(byte[] bytes)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal))
        {
            gzip.Write(bytes);
        }

        return output.ToArray();
    }

    private static HttpRequest Request(byte[] body, bool declaresItsLength = true, string? contentEncoding = null) =>
        Request(new MemoryStream(body), declaresItsLength ? body.Length : null, contentEncoding);

    private static HttpRequest Request(Stream body, long? contentLength, string? contentEncoding = null)
    {
        var context = new DefaultHttpContext();
        context.Request.Body = body;
        context.Request.ContentLength = contentLength;
        if (contentEncoding is not null)
        {
            context.Request.Headers.ContentEncoding = contentEncoding;
        }

        return context.Request;
    }

    /// <summary>A body that arrives a few bytes per read, as a slow client sends it.</summary>
    private sealed class TrickleStream(byte[] bytes, int pieceSize) : MemoryStream(bytes)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, pieceSize));

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, pieceSize)], cancellationToken);
    }
}
