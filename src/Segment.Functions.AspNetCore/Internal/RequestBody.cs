using System.Buffers;
using System.IO.Compression;
using Microsoft.AspNetCore.Http;

namespace Segment.Functions.AspNetCore.Internal;

/// <summary>Reads a request body up to a limit, undoing <c>Content-Encoding: gzip</c>; the limit applies to the decoded bytes.</summary>
internal static class RequestBody
{
    /// <returns>The body, or null when it is over <paramref name="limit"/>.</returns>
    /// <exception cref="InvalidDataException">The gzip stream is broken.</exception>
    public static async Task<byte[]?> ReadAsync(HttpRequest request, int limit, CancellationToken cancellationToken)
    {
        var encoding = request.Headers.ContentEncoding.ToString();
        var gzip = encoding.Contains("gzip", StringComparison.OrdinalIgnoreCase);
        if (!gzip && request.ContentLength > limit)
        {
            return null;
        }

        // Only the gzip wrapper is ours to dispose; the request body belongs to the server.
        await using var gunzip = gzip ? new GZipStream(request.Body, CompressionMode.Decompress, leaveOpen: true) : null;
        var source = gunzip ?? request.Body;
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Min(limit + 1, 64 * 1024));
        try
        {
            // Sized from Content-Length when it is within the limit: a 500 KB batch is then not copied while the buffer grows.
            using var body = new MemoryStream(!gzip && request.ContentLength is { } length ? (int)length : 0);
            int read;
            while ((read = await source.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (body.Length + read > limit)
                {
                    return null;
                }

                body.Write(buffer, 0, read);
            }

            return body.ToArray();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
