using System.Text.Json;

namespace Segment.Functions.Events.Internal;

/// <summary>
/// The UTF-8 JSON a parsed event owns: the bytes its field values are slices of (<see cref="JsonSlice"/>),
/// and the whole object as a <see cref="JsonElement"/>, parsed from them the first time something
/// needs it (the additional fields, writing the event back). The parser has checked these bytes
/// already (syntax, depth, UTF-8, duplicate names, lone surrogates), so every later parse of them,
/// or of a slice of them, succeeds.
/// </summary>
internal sealed class EventJson
{
    // Deep enough for any slice of bytes the parser accepted (EventParseOptions.MaxDepth is at most this).
    private static readonly JsonDocumentOptions Checked = new() { MaxDepth = EventParseConstants.MaxMaxDepth };

    private StrongBoxedElement? _root;

    public EventJson(byte[] utf8)
    {
        Utf8 = utf8;
    }

    /// <summary>The event's JSON, exactly as it was parsed (without a byte order mark).</summary>
    public byte[] Utf8 { get; }

    /// <summary>The whole event as a parsed element; made once, on first use, and safe to read from several threads.</summary>
    public JsonElement Root
    {
        get
        {
            var known = Volatile.Read(ref _root);
            if (known is not null)
            {
                return known.Value;
            }

            var created = new StrongBoxedElement(Parse(Utf8));
            return (Interlocked.CompareExchange(ref _root, created, null) ?? created).Value;
        }
    }

    /// <summary>A non-disposable element over bytes the parser accepted (its own copy of them).</summary>
    public static JsonElement Parse(ReadOnlySpan<byte> checkedUtf8) => JsonElement.Parse(checkedUtf8, Checked);

    // A class, so the element is published with one reference write.
    private sealed class StrongBoxedElement(JsonElement value)
    {
        public JsonElement Value { get; } = value;
    }
}
