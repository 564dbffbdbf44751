using System.Buffers;
using System.Buffers.Text;
using System.Text;
using System.Text.RegularExpressions;

namespace Segment.Functions.Benchmarks;

/// <summary>
/// The fixture's track event as UTF-8, with fixed-width slots for its <c>messageId</c> and <c>userId</c>
/// so each send can stamp its own values in place: event i gets messageId <c>bench-{i:D10}</c> and
/// userId <c>user-{i % 1000:D6}</c>. One buffer per sender, reused: <c>SendAsync</c> parses the bytes
/// before it returns and the event owns its copy.
/// </summary>
internal sealed partial class EventStream
{
    private const int IdDigits = 10;
    private const int UserDigits = 6;
    private const int DistinctUsers = 1_000;
    private readonly byte[] _buffer;
    private readonly int _idAt;
    private readonly int _userAt;

    private EventStream(byte[] buffer, int idAt, int userAt)
    {
        _buffer = buffer;
        _idAt = idAt;
        _userAt = userAt;
    }

    public int Length => _buffer.Length;

    /// <exception cref="InvalidOperationException">The fixture has no <c>messageId</c> or <c>userId</c> string to replace.</exception>
    public static EventStream FromFixture(string name = "track.json")
    {
        var json = Encoding.UTF8.GetString(BenchmarkFixtures.Event(name)).Trim();
        const string IdPrefix = "\"messageId\":\"bench-";
        const string UserPrefix = "\"userId\":\"user-";
        json = Replace(MessageId(), json, IdPrefix + new string('0', IdDigits) + "\"", name);
        json = Replace(UserId(), json, UserPrefix + new string('0', UserDigits) + "\"", name);
        return new EventStream(
            Encoding.UTF8.GetBytes(json),
            Encoding.UTF8.GetByteCount(json[..(json.IndexOf(IdPrefix, StringComparison.Ordinal) + IdPrefix.Length)]),
            Encoding.UTF8.GetByteCount(json[..(json.IndexOf(UserPrefix, StringComparison.Ordinal) + UserPrefix.Length)]));
    }

    /// <summary>A copy with its own buffer, for another sender.</summary>
    public EventStream Clone() => new((byte[])_buffer.Clone(), _idAt, _userAt);

    /// <summary>Writes event <paramref name="index"/>'s messageId and userId into the buffer.</summary>
    public ReadOnlyMemory<byte> Stamp(long index)
    {
        Utf8Formatter.TryFormat(index, _buffer.AsSpan(_idAt, IdDigits), out _, new StandardFormat('D', IdDigits));
        Utf8Formatter.TryFormat(index % DistinctUsers, _buffer.AsSpan(_userAt, UserDigits), out _, new StandardFormat('D', UserDigits));
        return _buffer;
    }

    private static string Replace(Regex field, string json, string replacement, string name) =>
        field.IsMatch(json)
            ? field.Replace(json, replacement, 1)
            : throw new InvalidOperationException($"The fixture {name} has no {field} to vary.");

    [GeneratedRegex("\"messageId\":\"[^\"]*\"")]
    private static partial Regex MessageId();

    [GeneratedRegex("\"userId\":\"[^\"]*\"")]
    private static partial Regex UserId();
}
