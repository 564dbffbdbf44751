using System.Text.Encodings.Web;
using System.Text.Json;
using Segment.Functions.Settings.Internal;

namespace Segment.Functions.Tests.Settings;

public sealed class SecretRedactorTests
{
    private const string Secret = "p@ss/word+1 \"q\"&<x>";

    [Test]
    public void Redact_PlainSecret_IsReplacedByMask()
    {
        var redactor = new SecretRedactor([Secret]);

        Assert.That(redactor.Redact($"password={Secret}!"), Is.EqualTo("password=***!"));
    }

    [Test]
    public void Redact_SecretSeveralTimes_ReplacesEveryOccurrence()
    {
        var redactor = new SecretRedactor(["abc123"]);

        Assert.That(redactor.Redact("abc123 and abc123 again"), Is.EqualTo("*** and *** again"));
    }

    // The escaped forms a secret takes in URLs, form bodies and JSON (the secret holds characters each one escapes).
    public static IEnumerable<TestCaseData> EscapedForms()
    {
        yield return new TestCaseData((Func<string, string>)Uri.EscapeDataString).SetArgDisplayNames("URI-escaped");
        yield return new TestCaseData((Func<string, string>)(s => System.Net.WebUtility.UrlEncode(s))).SetArgDisplayNames("form-encoded");
        yield return new TestCaseData((Func<string, string>)(s => JsonSerializer.Serialize(s)[1..^1])).SetArgDisplayNames("JSON, default encoder");
        yield return new TestCaseData((Func<string, string>)(s => JsonSerializer.Serialize(s, new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping })[1..^1]))
            .SetArgDisplayNames("JSON, relaxed encoder");
    }

    [TestCaseSource(nameof(EscapedForms))]
    public void Redact_EscapedSecret_IsReplaced(Func<string, string> escape)
    {
        var redactor = new SecretRedactor([Secret]);
        var escaped = escape(Secret);
        Assume.That(escaped, Is.Not.EqualTo(Secret));

        Assert.That(redactor.Redact($"key={escaped}&next=1"), Is.EqualTo("key=***&next=1"));
    }

    [Test]
    public void Redact_SecretContainingAnotherSecret_ReplacesTheLongerWhole()
    {
        var redactor = new SecretRedactor(["abc", "abcdef"]);

        Assert.That(redactor.Redact("x abcdef y abc z"), Is.EqualTo("x *** y *** z"));
    }

    [Test]
    public void TryRedactPrefix_WholeText_MasksEachSecretAndCutsAtTheBudget()
    {
        var redactor = new SecretRedactor(["abc123"]);

        var (done, kept, cut) = RedactPrefix(redactor, "x=abc123&y=abc123&z=0", isWhole: true, maxBytes: 12);

        Assert.That(done, Is.True);
        Assert.That(kept, Is.EqualTo("x=***&y=***&"));
        Assert.That(cut, Is.True);
    }

    [Test]
    public void TryRedactPrefix_OverlappingOccurrences_AreMaskedAsOne()
    {
        var redactor = new SecretRedactor(["aaa", "bcdef"]);

        Assert.That(RedactPrefix(redactor, "aaaa|abcdef", isWhole: true, maxBytes: 100).Kept, Is.EqualTo("***|a***"));
        Assert.That(RedactPrefix(new SecretRedactor(["abc", "bcd"]), "xabcdx", isWhole: true, maxBytes: 100).Kept, Is.EqualTo("x***x"), "no letter of either secret is left");
    }

    [Test]
    public void TryRedactPrefix_TextEndingWithTheStartOfASecret_AsksForMoreInsteadOfShowingIt()
    {
        var redactor = new SecretRedactor(["SECRET"]);

        var (done, _, _) = RedactPrefix(redactor, "0123SEC", isWhole: false, maxBytes: 10);
        var whole = RedactPrefix(redactor, "0123SEC", isWhole: true, maxBytes: 10);

        Assert.That(done, Is.False, "\"SEC\" may go on as \"SECRET\"");
        Assert.That(whole, Is.EqualTo((true, "0123SEC", false)), "when nothing follows, \"SEC\" is only text");
    }

    [Test]
    public void TryRedactPrefix_BudgetFilledBeforeTheEndOfAPartialText_IsDoneAndCut()
    {
        var redactor = new SecretRedactor(["SECRET"]);

        Assert.That(RedactPrefix(redactor, "0123SEC", isWhole: false, maxBytes: 4), Is.EqualTo((true, "0123", true)));
    }

    private static (bool Done, string Kept, bool Cut) RedactPrefix(SecretRedactor redactor, string text, bool isWhole, int maxBytes)
    {
        var destination = new char[SecretRedactor.PrefixBufferLength(text.Length, maxBytes)];
        var done = redactor.TryRedactPrefix(text, isWhole, maxBytes, destination, out var written, out var cut);
        return (done, new string(destination, 0, written), cut);
    }

    [Test]
    public void Redact_TextWithoutSecrets_IsUnchanged()
    {
        var redactor = new SecretRedactor([Secret]);

        Assert.That(redactor.Redact("nothing to hide here"), Is.EqualTo("nothing to hide here"));
    }

    [Test]
    public void Redact_Null_ReturnsEmptyString()
    {
        Assert.That(new SecretRedactor([Secret]).Redact(null), Is.EqualTo(""));
    }

    [Test]
    public void Constructor_NullAndEmptySecrets_AreIgnored()
    {
        var redactor = new SecretRedactor([null, ""]);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(redactor.IsEmpty, Is.True);
            Assert.That(redactor.Redact("a b c"), Is.EqualTo("a b c"));
        }
    }

    [Test]
    public void IsEmpty_WithASecret_IsFalse()
    {
        Assert.That(new SecretRedactor(["s"]).IsEmpty, Is.False);
    }

    [Test]
    public void None_AnyText_IsUnchanged()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(SecretRedactor.None.IsEmpty, Is.True);
            Assert.That(SecretRedactor.None.Redact("api_key=123"), Is.EqualTo("api_key=123"));
        }
    }

    [Test]
    public void Mask_IsThreeStars()
    {
        Assert.That(SecretRedactor.Mask, Is.EqualTo("***"));
    }

    [Test]
    public void Constructor_NullList_ThrowsArgumentNullException()
    {
        Assert.Throws<ArgumentNullException>(() => _ = new SecretRedactor(null!));
    }
}

public sealed class SecretRedactorFormEncodingTests
{
    [Test]
    public async Task Redact_FormEncodedSecretWithSpace_IsHidden()
    {
        const string secret = "s3cr3t key/+=";
        var redactor = new SecretRedactor([secret]);
        using var form = new FormUrlEncodedContent([new KeyValuePair<string, string>("k", secret)]);
        var body = await form.ReadAsStringAsync();

        Assert.That(redactor.Redact(body), Is.EqualTo("k=***"));
        Assert.That(redactor.Redact(System.Net.WebUtility.UrlEncode(secret)), Is.EqualTo("***"));
    }
}
