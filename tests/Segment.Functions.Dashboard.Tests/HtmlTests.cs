using Segment.Functions.Dashboard.Internal;

namespace Segment.Functions.Dashboard.Tests;

public sealed class HtmlTests
{
    [Test]
    public void Text_IsEncoded()
    {
        var html = new Html().Text("<script>alert('x')</script> & \"q\"").ToString();

        Assert.That(html, Does.Not.Contain("<").And.Not.Contain("'").And.Not.Contain("\""));
        Assert.That(html, Does.StartWith("&lt;script&gt;"));
    }

    [Test]
    public void AttributeValues_AreEncoded_AndNullOnesLeftOut()
    {
        var html = new Html().Open("a", ("href", "x\" onerror=\"alert(1)"), ("class", null)).Close("a").ToString();

        Assert.That(html, Is.EqualTo("<a href=\"x&quot; onerror=&quot;alert(1)\"></a>"));
    }
}
