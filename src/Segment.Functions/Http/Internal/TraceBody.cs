using System.Buffers;
using System.Text.Unicode;
using Segment.Functions.Settings.Internal;

namespace Segment.Functions.Http.Internal;

/// <summary>
/// The text an HTTP trace keeps of a body: its first bytes decoded, secrets redacted, cut at a byte
/// budget with a mark giving the body's size. Only the start of the body is copied and decoded
/// (the budget plus room for a secret across the cut), never the whole of it.
/// </summary>
internal static class TraceBody
{
    /// <summary>Reads the start of <paramref name="content"/> for a trace, leaving the body whole for the caller; null when there is no content.</summary>
    public static async Task<string?> ReadAsync(HttpContent? content, int maxBytes, SecretRedactor redactor, CancellationToken cancellationToken)
    {
        if (content is null)
        {
            return null;
        }

        if (content is not (ByteArrayContent or ReadOnlyMemoryContent))
        {
            // A body that may be readable only once (a network stream, a StreamContent) is buffered,
            // so that both the trace and the caller (or the handler sending it) can read it. In-memory
            // bodies are read again from their own bytes, without a copy.
            await content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false);
        }

        // A secret may begin before the cut and end after it; and one UTF-8 character (at most 4 bytes) may straddle the window's end.
        var window = maxBytes + redactor.LongestSecretBytes + 4;
        while (true)
        {
            using var head = new BodyHead(window);
            await content.CopyToAsync(head, cancellationToken).ConfigureAwait(false);
            if (TryFormat(head, maxBytes, redactor) is { } text)
            {
                return text;
            }

            // Masks shortened the kept text, or a secret may cross the window's end: read further (at worst the whole body).
            window = (int)Math.Min(head.TotalBytes, 2L * window);
        }
    }

    /// <summary>The trace text of the body's start, or null when more of the body is needed.</summary>
    internal static string? TryFormat(BodyHead head, int maxBytes, SecretRedactor redactor)
    {
        if (head.TotalBytes == 0)
        {
            return "";
        }

        var bytes = head.Kept;
        var chars = ArrayPool<char>.Shared.Rent(bytes.Length);
        var kept = ArrayPool<char>.Shared.Rent(Math.Max(1, SecretRedactor.PrefixBufferLength(bytes.Length, maxBytes)));
        try
        {
            // Not the final block unless it is the whole body: a character cut by the window's end is left out, not replaced.
            Utf8.ToUtf16(bytes, chars, out _, out var decoded, replaceInvalidSequences: true, isFinalBlock: head.IsWhole);
            if (!redactor.TryRedactPrefix(chars.AsSpan(0, decoded), head.IsWhole, maxBytes, kept, out var written, out var cut))
            {
                return null;
            }

            return cut
                ? string.Concat(kept.AsSpan(0, written), $"… [body truncated: {head.TotalBytes} bytes in all]")
                : new string(kept, 0, written);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
            ArrayPool<char>.Shared.Return(kept);
        }
    }
}
