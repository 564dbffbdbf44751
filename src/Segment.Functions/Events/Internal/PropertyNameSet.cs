using System.Buffers.Binary;
using System.Numerics;
using System.Text;

namespace Segment.Functions.Events.Internal;

/// <summary>
/// The property names of every object the parser is inside, to refuse a name an object already has
/// (names compare by their decoded text, as System.Text.Json's own duplicate check does: <c>"a"</c>
/// and <c>"\u0061"</c> are the same name). One per thread, reused from event to event, so the check
/// allocates nothing for ordinary events.
/// </summary>
/// <remarks>
/// Names of small objects are compared linearly (a cheap hash first, then the bytes), and only when a
/// 64-bit filter of the object's hashes says the name may be there already: real events have objects
/// of a few dozen names at most, and most names are let through by the filter alone. An object past <see cref="LinearLimit"/> names moves
/// to a hash set, so a hostile object with thousands of names costs linear time, not quadratic.
/// </remarks>
internal sealed class PropertyNameSet
{
    private const int LinearLimit = 32;

    // Buffers above these sizes (a huge event) are not kept for the next event.
    private const int KeptNames = 4096;
    private const int KeptBytes = 64 * 1024;

    [ThreadStatic]
    private static PropertyNameSet? t_cached;

    private Name[] _names = new Name[64];
    private int _nameCount;

    // Per open object: where its names start in _names, and its hash set once it is large.
    private Frame[] _frames = new Frame[16];
    private int _depth;

    // Decoded escaped names; compared from here instead of from the JSON.
    private byte[] _decoded = new byte[256];
    private int _decodedLength;

    private PropertyNameSet()
    {
    }

    /// <summary>The calling thread's set, emptied.</summary>
    public static PropertyNameSet Rent()
    {
        var set = t_cached ?? new PropertyNameSet();
        t_cached = null;
        set._nameCount = 0;
        set._depth = 0;
        set._decodedLength = 0;
        return set;
    }

    /// <summary>Gives the set back to the calling thread for its next event.</summary>
    public void Return()
    {
        if (_names.Length > KeptNames || _frames.Length > KeptNames || _decoded.Length > KeptBytes)
        {
            return;
        }

        Array.Clear(_frames, 0, _depth);
        t_cached = this;
    }

    /// <summary>An object starts: its names are checked against each other only.</summary>
    public void StartObject()
    {
        if (_depth == _frames.Length)
        {
            Array.Resize(ref _frames, _depth * 2);
        }

        _frames[_depth++] = new Frame(_nameCount);
    }

    /// <summary>The innermost object ends: its names are forgotten.</summary>
    public void EndObject()
    {
        ref var frame = ref _frames[--_depth];
        _nameCount = frame.FirstName;
        frame = default;
    }

    /// <summary>A room for an escaped name's decoded bytes (at most as long as its escaped form).</summary>
    public Span<byte> DecodeBuffer(int maxLength)
    {
        if (_decoded.Length - _decodedLength < maxLength)
        {
            Array.Resize(ref _decoded, Math.Max(_decoded.Length * 2, _decodedLength + maxLength));
        }

        return _decoded.AsSpan(_decodedLength, maxLength);
    }

    /// <summary>
    /// Adds a name to the innermost object; false when it has it already. The name is either
    /// <paramref name="length"/> bytes of the JSON being parsed (<paramref name="json"/>, at
    /// <paramref name="start"/>), or, when <paramref name="decoded"/>, the decoded bytes just written
    /// to <see cref="DecodeBuffer"/>.
    /// </summary>
    public bool Add(ReadOnlySpan<byte> json, int start, int length, bool decoded)
    {
        ref var frame = ref _frames[_depth - 1];
        var name = decoded ? _decoded.AsSpan(_decodedLength, length) : json.Slice(start, length);
        if (frame.Large is not null)
        {
            return frame.Large.Add(Encoding.UTF8.GetString(name));
        }

        var hash = Hash(name);
        // One bit of 64 per name seen: a name whose bit is not set yet is new, without a comparison.
        var bit = 1UL << (int)((uint)hash * 0x9E3779B1u >> 26);
        if ((frame.Seen & bit) != 0)
        {
            for (var i = frame.FirstName; i < _nameCount; i++)
            {
                ref readonly var other = ref _names[i];
                if (other.Hash == hash && name.SequenceEqual(other.Decoded ? _decoded.AsSpan(other.Start, other.Length) : json.Slice(other.Start, other.Length)))
                {
                    return false;
                }
            }
        }

        frame.Seen |= bit;

        if (_nameCount - frame.FirstName == LinearLimit)
        {
            frame.Large = ToHashSet(json, frame.FirstName);
            _nameCount = frame.FirstName;
            return frame.Large.Add(Encoding.UTF8.GetString(name));
        }

        if (_nameCount == _names.Length)
        {
            Array.Resize(ref _names, _nameCount * 2);
        }

        _names[_nameCount++] = new Name(hash, decoded ? _decodedLength : start, length, decoded);
        if (decoded)
        {
            _decodedLength += length;
        }

        return true;
    }

    private HashSet<string> ToHashSet(ReadOnlySpan<byte> json, int first)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        for (var i = first; i < _nameCount; i++)
        {
            var other = _names[i];
            set.Add(Encoding.UTF8.GetString(other.Decoded ? _decoded.AsSpan(other.Start, other.Length) : json.Slice(other.Start, other.Length)));
        }

        return set;
    }

    // Cheap and only a filter before the byte comparison: the length and a few bytes from both ends.
    private static int Hash(ReadOnlySpan<byte> name) => name.Length >= 4
        ? name.Length ^ BinaryPrimitives.ReadInt32LittleEndian(name) ^ (int)BitOperations.RotateLeft(BinaryPrimitives.ReadUInt32LittleEndian(name[^4..]), 13)
        : name.Length == 0 ? 0 : name.Length ^ (name[0] << 8) ^ (name[^1] << 16);

    private readonly record struct Name(int Hash, int Start, int Length, bool Decoded);

    private struct Frame(int firstName)
    {
        public readonly int FirstName = firstName;
        public ulong Seen;
        public HashSet<string>? Large;
    }
}
