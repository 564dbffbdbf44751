namespace Segment.Functions.Events.Internal;

/// <summary>What JSON a top-level field accepts, and how it is read.</summary>
internal enum EventFieldKind : byte
{
    /// <summary><c>type</c>: decides the record; not stored as a field.</summary>
    MessageType,

    /// <summary>A string, or null.</summary>
    Text,

    /// <summary>A string, a number (some SDKs send ids and <c>version</c> as numbers; read as its JSON text), or null.</summary>
    Id,

    /// <summary>An ISO-8601 date-time string, or null; checked when parsed.</summary>
    Timestamp,

    /// <summary>A free-form bag: an object, null or <c>[]</c> (both read as empty).</summary>
    Object,
}
