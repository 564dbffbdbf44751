using System.Runtime.InteropServices;
using System.Text.Json;

namespace Segment.Functions.Events.Internal;

/// <summary>Writes a parsed element back as the exact bytes it was parsed from: faster than re-encoding, and byte-identical.</summary>
internal static class RawJson
{
    // The bytes come from a document that parsed them, so they are known to be valid JSON.
    public static void Write(Utf8JsonWriter writer, JsonElement element) =>
        Write(writer, JsonMarshal.GetRawUtf8Value(element));

    /// <summary>Writes bytes the parser accepted as one JSON value.</summary>
    public static void Write(Utf8JsonWriter writer, ReadOnlySpan<byte> checkedUtf8Value) =>
        writer.WriteRawValue(checkedUtf8Value, skipInputValidation: true);
}
