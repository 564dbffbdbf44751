using System.Text;
using Segment.Functions.Dispatch.Internal;

namespace Segment.Functions.Tests.Dispatch.Internal;

public sealed class Utf8TextTests
{
    [Test]
    public void Prefix_ThreeByteCharacters_CountsBytesNotCharacters()
    {
        var euros = new string('€', 1000);

        Assert.That(Encoding.UTF8.GetByteCount(Utf8Text.Prefix(euros, 300)), Is.EqualTo(300));
    }

    // A budget that ends inside a character keeps the characters before it, never half of one.
    [TestCase("😀😀😀", 6, "😀")]
    [TestCase("😀😀😀", 8, "😀😀")]
    [TestCase("€€", 5, "€")]
    [TestCase("a€b", 3, "a")]
    [TestCase("a€b", 4, "a€")]
    [TestCase("abc", 0, "")]
    [TestCase("abc", 3, "abc")]
    [TestCase("abc", 10, "abc")]
    [TestCase("", 5, "")]
    public void Prefix_Budget_KeepsWholeCharactersThatFit(string text, int maxBytes, string expected)
    {
        Assert.That(Utf8Text.Prefix(text, maxBytes), Is.EqualTo(expected));
    }
}
