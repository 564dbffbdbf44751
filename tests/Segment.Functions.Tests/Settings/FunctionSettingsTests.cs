using System.Text.Json.Nodes;
using Segment.Functions.Settings.Internal;

namespace Segment.Functions.Tests.Settings;

public sealed class FunctionSettingsTests
{
    private const string SecretValue = "sk_live_9f8e7d6c5b4a";

    [Test]
    public void GetString_SetValue_ReturnsIt()
    {
        var settings = new FunctionSettings().Set("region", "eu-west-1");

        Assert.That(settings.GetString("region"), Is.EqualTo("eu-west-1"));
    }

    [Test]
    public void GetString_NotSet_ReturnsNull()
    {
        var settings = new FunctionSettings().Set("region", "eu-west-1");

        Assert.That(settings.GetString("apiKey"), Is.Null);
    }

    [Test]
    public void GetString_SetTwice_ReturnsLastValue()
    {
        var settings = new FunctionSettings().Set("region", "eu").Set("region", "us");

        Assert.That(settings.GetString("region"), Is.EqualTo("us"));
    }

    [TestCase(true)]
    [TestCase(false)]
    public void GetBoolean_SetValue_ReturnsIt(bool value)
    {
        var settings = new FunctionSettings().Set("enabled", value);

        Assert.That(settings.GetBoolean("enabled", defaultValue: !value), Is.EqualTo(value));
    }

    [TestCase(true)]
    [TestCase(false)]
    public void GetBoolean_NotSet_ReturnsDefault(bool defaultValue)
    {
        var settings = new FunctionSettings();

        Assert.That(settings.GetBoolean("enabled", defaultValue), Is.EqualTo(defaultValue));
    }

    [Test]
    public void GetStringList_SetValues_ReturnsThemInOrder()
    {
        var settings = new FunctionSettings().Set("events", ["Order Completed", "Product Added"]);

        Assert.That(settings.GetStringList("events"), Is.EqualTo(new[] { "Order Completed", "Product Added" }));
    }

    [Test]
    public void GetStringList_NotSet_ReturnsEmpty()
    {
        Assert.That(new FunctionSettings().GetStringList("events"), Is.Not.Null.And.Empty);
    }

    [Test]
    public void GetStringMap_SetEntries_ReturnsThem()
    {
        var map = new Dictionary<string, string> { ["X-Team"] = "growth", ["X-Env"] = "prod" };
        var settings = new FunctionSettings().Set("headers", map);

        Assert.That(settings.GetStringMap("headers"), Is.EquivalentTo(map));
    }

    [Test]
    public void GetStringMap_NotSet_ReturnsEmpty()
    {
        Assert.That(new FunctionSettings().GetStringMap("headers"), Is.Not.Null.And.Empty);
    }

    [Test]
    public void Contains_SetAndUnsetNames_ReportsWhichHaveValues()
    {
        var settings = new FunctionSettings().Set("region", "eu").Set("empty", (string?)null);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(settings.Contains("region"), Is.True);
            Assert.That(settings.Contains("empty"), Is.False);
            Assert.That(settings.Contains("missing"), Is.False);
        }
    }

    [Test]
    public void Names_SetValues_ListsEveryName()
    {
        var settings = new FunctionSettings().Set("region", "eu").Set("enabled", true).Set("events", ["a"]);

        Assert.That(settings.Names, Is.EquivalentTo(new[] { "region", "enabled", "events" }));
    }

    // A typed getter asked for a value of another type: (settings, the getter, what the message names, the value it must not show).
    public static IEnumerable<TestCaseData> ValuesOfAnotherType()
    {
        yield return new TestCaseData(
                new FunctionSettings().Set("apiKey", [SecretValue], encrypted: true), (Action<FunctionSettings>)(s => s.GetString("apiKey")),
                new[] { "\"apiKey\"", "String", "an array" }, SecretValue)
            .SetArgDisplayNames("GetString of a list");
        yield return new TestCaseData(
                FunctionSettings.FromJson("""{"pin":987654321}""", ["pin"]), (Action<FunctionSettings>)(s => s.GetString("pin")),
                new[] { "\"pin\"", "a number" }, "987654321")
            .SetArgDisplayNames("GetString of a number");
        yield return new TestCaseData(
                new FunctionSettings().Set("enabled", SecretValue), (Action<FunctionSettings>)(s => s.GetBoolean("enabled")),
                new[] { "\"enabled\"", "Boolean", "a string" }, SecretValue)
            .SetArgDisplayNames("GetBoolean of a string");
        yield return new TestCaseData(
                new FunctionSettings().Set("events", SecretValue), (Action<FunctionSettings>)(s => s.GetStringList("events")),
                new[] { "\"events\"", "Array" }, SecretValue)
            .SetArgDisplayNames("GetStringList of a string");
        yield return new TestCaseData(
                FunctionSettings.FromJson("""{"events":[1,2]}"""), (Action<FunctionSettings>)(s => s.GetStringList("events")),
                new[] { "\"events\"" }, "[1,2]")
            .SetArgDisplayNames("GetStringList of numbers");
        yield return new TestCaseData(
                new FunctionSettings().Set("headers", [SecretValue]), (Action<FunctionSettings>)(s => s.GetStringMap("headers")),
                new[] { "\"headers\"", "Map" }, SecretValue)
            .SetArgDisplayNames("GetStringMap of a list");
    }

    [TestCaseSource(nameof(ValuesOfAnotherType))]
    public void Getter_ValueOfAnotherType_ThrowsInvalidSettingsWithoutTheValue(FunctionSettings settings, Action<FunctionSettings> get, string[] named, string hidden)
    {
        var error = Assert.Throws<InvalidSettings>(() => get(settings));

        using (Assert.EnterMultipleScope())
        {
            foreach (var name in named)
            {
                Assert.That(error.Message, Does.Contain(name));
            }

            Assert.That(error.Message, Does.Not.Contain(hidden));
        }
    }

    [Test]
    public void GetRequiredString_Missing_ThrowsInvalidSettingsNamingIt()
    {
        var settings = new FunctionSettings().Set("region", "eu");

        var error = Assert.Throws<InvalidSettings>(() => settings.GetRequiredString("apiKey"));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(error.Message, Does.Contain("\"apiKey\""));
            Assert.That(error.Reason, Is.EqualTo(OutcomeReason.InvalidSettings));
        }
    }

    [Test]
    public void GetRequiredString_Empty_ThrowsInvalidSettings()
    {
        var settings = new FunctionSettings().Set("apiKey", "");

        var error = Assert.Throws<InvalidSettings>(() => settings.GetRequiredString("apiKey"));

        Assert.That(error.Message, Does.Contain("\"apiKey\""));
    }

    [Test]
    public void GetRequiredString_Set_ReturnsIt()
    {
        var settings = new FunctionSettings().Set("apiKey", SecretValue, encrypted: true);

        Assert.That(settings.GetRequiredString("apiKey"), Is.EqualTo(SecretValue));
    }

    [Test]
    public void ToString_EncryptedString_IsMasked()
    {
        var settings = new FunctionSettings().Set("apiKey", SecretValue, encrypted: true).Set("region", "eu-west-1");

        var text = settings.ToString();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(text, Does.Not.Contain(SecretValue));
            Assert.That(text, Does.Contain(SecretRedactor.Mask));
            Assert.That(text, Does.Contain("eu-west-1"));
            Assert.That(JsonNode.Parse(text)?["apiKey"]?.GetValue<string>(), Is.EqualTo("***"));
        }
    }

    [Test]
    public void ToString_EncryptedListAndMap_AreMasked()
    {
        var settings = new FunctionSettings()
            .Set("tokens", ["token-one", "token-two"], encrypted: true)
            .Set("headers", new Dictionary<string, string> { ["X-Api-Key"] = "header-secret" }, encrypted: true);

        var text = settings.ToString();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(text, Does.Not.Contain("token-one").And.Not.Contain("token-two").And.Not.Contain("header-secret"));
            Assert.That(text, Does.Contain(SecretRedactor.Mask));
        }
    }

    [Test]
    public void ToString_NonEncryptedValues_AreShown()
    {
        var settings = new FunctionSettings().Set("enabled", true).Set("events", ["Order Completed"]);

        var shown = JsonNode.Parse(settings.ToString())!;

        using (Assert.EnterMultipleScope())
        {
            Assert.That((bool?)shown["enabled"], Is.True);
            Assert.That((string?)shown["events"]?[0], Is.EqualTo("Order Completed"));
        }
    }

    [Test]
    public void FromJson_EveryType_ReadsWithTypedGetters()
    {
        const string json = """{"apiKey":"abc","enabled":true,"events":["a","b"],"headers":{"X-Team":"growth"},"unset":null}""";

        var settings = FunctionSettings.FromJson(json);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(settings.GetString("apiKey"), Is.EqualTo("abc"));
            Assert.That(settings.GetBoolean("enabled"), Is.True);
            Assert.That(settings.GetStringList("events"), Is.EqualTo(new[] { "a", "b" }));
            Assert.That(settings.GetStringMap("headers")["X-Team"], Is.EqualTo("growth"));
            Assert.That(settings.Contains("unset"), Is.False);
            Assert.That(settings.GetString("unset"), Is.Null);
        }
    }

    [Test]
    public void FromJson_EncryptedNames_AreMaskedInToString()
    {
        var settings = FunctionSettings.FromJson($$"""{"apiKey":"{{SecretValue}}","region":"eu"}""", ["apiKey"]);

        var text = settings.ToString();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(text, Does.Not.Contain(SecretValue));
            Assert.That(text, Does.Contain(SecretRedactor.Mask).And.Contain("eu"));
            Assert.That(settings.GetString("apiKey"), Is.EqualTo(SecretValue));
        }
    }

    [TestCase("not json")]
    [TestCase("{\"a\":")]
    public void FromJson_InvalidJson_ThrowsInvalidSettings(string json)
    {
        var error = Assert.Throws<InvalidSettings>(() => FunctionSettings.FromJson(json));

        Assert.That(error.Message, Does.Contain("not valid JSON"));
    }

    [TestCase("[1,2]")]
    [TestCase("\"text\"")]
    [TestCase("42")]
    public void FromJson_NotAnObject_ThrowsInvalidSettings(string json)
    {
        var error = Assert.Throws<InvalidSettings>(() => FunctionSettings.FromJson(json));

        Assert.That(error.Message, Does.Contain("JSON object"));
    }

    [Test]
    public void CreateRedactor_EncryptedValues_AreHiddenAndOthersLeft()
    {
        var settings = new FunctionSettings()
            .Set("apiKey", SecretValue, encrypted: true)
            .Set("tokens", ["token-one"], encrypted: true)
            .Set("headers", new Dictionary<string, string> { ["X-Api-Key"] = "header-secret" }, encrypted: true)
            .Set("region", "eu-west-1");

        var redacted = settings.CreateRedactor().Redact($"{SecretValue} token-one header-secret eu-west-1");

        Assert.That(redacted, Is.EqualTo("*** *** *** eu-west-1"));
    }

    [Test]
    public void CreateRedactor_EncryptedNumberFromJson_IsHidden()
    {
        var settings = FunctionSettings.FromJson("""{"pin":987654321}""", ["pin"]);

        var redacted = settings.CreateRedactor().Redact("pin=987654321");

        Assert.That(redacted, Is.EqualTo("pin=***"));
    }

    [Test]
    public void CreateRedactor_NoEncryptedValues_ReturnsNone()
    {
        var settings = new FunctionSettings().Set("region", "eu");

        Assert.That(settings.CreateRedactor(), Is.SameAs(SecretRedactor.None));
    }

    [TestCase("")]
    [TestCase(null)]
    public void Set_EmptyName_ThrowsArgumentException(string? name)
    {
        Assert.That(() => new FunctionSettings().Set(name!, "x"), Throws.InstanceOf<ArgumentException>());
    }
}
