using System.Buffers;

namespace Segment.Functions.Http.Internal;

/// <summary>
/// A stream a body is copied into that keeps only its first bytes (in a pooled buffer) and counts
/// the rest: a trace learns a 500 KB body's start and size without a copy of the whole.
/// </summary>
internal sealed class BodyHead : Stream
{
    private readonly int _capacity;
    private byte[]? _buffer;
    private int _kept;

    /// <summary>Keeps up to <paramref name="capacity"/> bytes.</summary>
    public BodyHead(int capacity)
    {
        _capacity = capacity;
        _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(capacity, 1));
    }

    /// <summary>The first bytes written, at most the capacity.</summary>
    public ReadOnlySpan<byte> Kept => _buffer.AsSpan(0, _kept);

    /// <summary>All bytes written, kept or not.</summary>
    public long TotalBytes { get; private set; }

    /// <summary>Whether every byte written was kept.</summary>
    public bool IsWhole => TotalBytes == _kept;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_buffer is null, this);
        var room = Math.Min(_capacity - _kept, buffer.Length);
        buffer[..room].CopyTo(_buffer.AsSpan(_kept));
        _kept += room;
        TotalBytes += buffer.Length;
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void WriteByte(byte value) => Write([value]);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        Write(buffer.AsSpan(offset, count));
        return Task.CompletedTask;
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (_buffer is { } buffer)
        {
            _buffer = null;
            ArrayPool<byte>.Shared.Return(buffer);
        }

        base.Dispose(disposing);
    }
}
