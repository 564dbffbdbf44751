namespace Segment.Functions.Events.Internal;

/// <summary>Reads a stream to its end, but never more than a limit: an oversize body is refused, not buffered.</summary>
internal static class BoundedStreamReader
{
    public static async Task<ReadOnlyMemory<byte>> ReadAsync(Stream stream, int maxBytes, CancellationToken cancellationToken)
    {
        // Room for a byte order mark, which the parser skips before it applies the limit.
        var limit = maxBytes + 3;
        var buffer = new byte[Math.Min(limit + 1, 16 * 1024)];
        var length = 0;
        while (true)
        {
            if (length == buffer.Length)
            {
                if (length > limit)
                {
                    throw new InvalidEventPayload($"Event is larger than the limit of {maxBytes} bytes (EventParseOptions.MaxEventBytes).");
                }

                Array.Resize(ref buffer, Math.Min(buffer.Length * 2, limit + 1));
            }

            var read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return buffer.AsMemory(0, length);
            }

            length += read;
        }
    }
}
