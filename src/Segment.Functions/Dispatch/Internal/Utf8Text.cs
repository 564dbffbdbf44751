using System.Text;

namespace Segment.Functions.Dispatch.Internal;

/// <summary>Cuts text to a UTF-8 byte budget in one pass, never splitting a character or a surrogate pair.</summary>
internal static class Utf8Text
{
    public static string Prefix(string text, int maxBytes)
    {
        var bytes = 0;
        var length = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            var size = rune.Utf8SequenceLength;
            if (bytes + size > maxBytes)
            {
                break;
            }

            bytes += size;
            length += rune.Utf16SequenceLength;
        }

        return text[..length];
    }
}
