using System.Text.Json;
using System.Text.Json.Nodes;
using Segment.Functions.Settings.Internal;

namespace Segment.Functions.Tests.Settings;

public sealed class SettingsSchemaTests
{
    private const string Secret = "sk_live/Zx9+q w\"7&";

    [Test]
    public void For_SettingsClass_ListsOnlyPropertiesWithSettingAttribute()
    {
        var schema = SettingsSchema.For<SampleSettings>();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(schema.SettingsType, Is.EqualTo(typeof(SampleSettings)));
            Assert.That(schema.Settings.Select(s => s.Name), Is.EqualTo(new[] { "apiKey", "enabled", "eventAllowList", "customHeaders", "region" }));
        }
    }

    [Test]
    public void For_StringSetting_ReadsEveryAttributeValue()
    {
        var apiKey = Setting<SampleSettings>("apiKey");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(apiKey.Label, Is.EqualTo("API Key"));
            Assert.That(apiKey.Type, Is.EqualTo(SettingType.String));
            Assert.That(apiKey.Description, Is.EqualTo("Your secret key from the dashboard."));
            Assert.That(apiKey.Required, Is.True);
            Assert.That(apiKey.Encrypted, Is.True);
        }
    }

    [Test]
    public void For_BooleanSettingWithDefaults_IsOptionalAndNotEncrypted()
    {
        var enabled = Setting<SampleSettings>("enabled");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(enabled.Label, Is.EqualTo("Enabled"));
            Assert.That(enabled.Type, Is.EqualTo(SettingType.Boolean));
            Assert.That(enabled.Description, Is.Null);
            Assert.That(enabled.Required, Is.False);
            Assert.That(enabled.Encrypted, Is.False);
        }
    }

    [Test]
    public void For_PropertyWithoutName_GeneratesCamelCaseName()
    {
        var schema = SettingsSchema.For<SampleSettings>();

        Assert.That(schema.Settings.Select(s => s.Name), Does.Contain("customHeaders").And.Not.Contain("CustomHeaders"));
    }

    [Test]
    public void For_PropertyWithExplicitName_UsesThatName()
    {
        var schema = SettingsSchema.For<SampleSettings>();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(Setting<SampleSettings>("eventAllowList").Label, Is.EqualTo("Event Names"));
            Assert.That(schema.Settings.Select(s => s.Name), Does.Not.Contain("allowedEvents"));
        }
    }

    [Test]
    public void For_PropertyWithoutLabel_UsesPropertyNameAsLabel()
    {
        var region = Setting<SampleSettings>("region");

        Assert.That(region.Label, Is.EqualTo("Region"));
    }

    [TestCase("strings", SettingType.Array)]
    [TestCase("list", SettingType.Array)]
    [TestCase("readOnlyList", SettingType.Array)]
    [TestCase("enumerable", SettingType.Array)]
    [TestCase("dictionary", SettingType.Map)]
    [TestCase("readOnlyDictionary", SettingType.Map)]
    [TestCase("text", SettingType.String)]
    [TestCase("flag", SettingType.Boolean)]
    public void For_SupportedPropertyType_MapsToSettingType(string name, SettingType expected)
    {
        var setting = Setting<AllTypesSettings>(name);

        Assert.That(setting.Type, Is.EqualTo(expected));
    }

    [TestCase(typeof(IntSettings), "IntSettings.Port", "Int32")]
    [TestCase(typeof(IntListSettings), "IntListSettings.Ports")]
    [TestCase(typeof(IntMapSettings), "IntMapSettings.Limits")]
    [TestCase(typeof(DuplicateSettings), "\"apiKey\"")]
    public void For_SettingsClassItCannotDescribe_ThrowsNamingTheCulprit(Type settingsType, params string[] named)
    {
        var error = Assert.Throws<InvalidOperationException>(() => SettingsSchema.For(settingsType));

        foreach (var culprit in named)
        {
            Assert.That(error.Message, Does.Contain(culprit));
        }
    }

    [Test]
    public void For_SameTypeTwice_ReturnsSameSchema()
    {
        var first = SettingsSchema.For<SampleSettings>();
        var second = SettingsSchema.For(typeof(SampleSettings));

        Assert.That(second, Is.SameAs(first));
    }

    [Test]
    public void For_NullType_ThrowsArgumentNullException()
    {
        Assert.Throws<ArgumentNullException>(() => SettingsSchema.For(null!));
    }

    [Test]
    public void ToJson_SettingsClass_WritesEveryField()
    {
        var json = SettingsSchema.For<SampleSettings>().ToJson();

        var array = JsonNode.Parse(json)!.AsArray();
        var apiKey = array.Single(n => (string?)n?["name"] == "apiKey")!;
        var enabled = array.Single(n => (string?)n?["name"] == "enabled")!;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(array, Has.Count.EqualTo(5));
            Assert.That((string?)apiKey["label"], Is.EqualTo("API Key"));
            Assert.That((string?)apiKey["type"], Is.EqualTo("string"));
            Assert.That((string?)apiKey["description"], Is.EqualTo("Your secret key from the dashboard."));
            Assert.That((bool?)apiKey["required"], Is.True);
            Assert.That((bool?)apiKey["encrypted"], Is.True);
            Assert.That((string?)enabled["type"], Is.EqualTo("boolean"));
            Assert.That((bool?)enabled["required"], Is.False);
            Assert.That((bool?)enabled["encrypted"], Is.False);
            Assert.That(array.Select(n => (string?)n?["type"]), Is.EqualTo(new[] { "string", "boolean", "array", "map", "string" }));
        }
    }

    [TestCase(null)]
    [TestCase("")]
    public void Validate_RequiredStringMissingOrEmpty_ThrowsNamingNameAndLabel(string? apiKey)
    {
        var schema = SettingsSchema.For<SampleSettings>();
        var settings = new SampleSettings { ApiKey = apiKey, AllowedEvents = ["Order Completed"] };

        var error = Assert.Throws<InvalidSettings>(() => schema.Validate(settings));

        Assert.That(error.Message, Does.Contain("\"apiKey\"").And.Contain("API Key"));
    }

    [Test]
    public void Validate_RequiredListEmpty_ThrowsNamingIt()
    {
        var schema = SettingsSchema.For<SampleSettings>();
        var settings = new SampleSettings { ApiKey = Secret, AllowedEvents = [] };

        var error = Assert.Throws<InvalidSettings>(() => schema.Validate(settings));

        Assert.That(error.Message, Does.Contain("\"eventAllowList\"").And.Contain("Event Names"));
    }

    [Test]
    public void Validate_RequiredSettingMissing_MessageDoesNotContainOtherSecrets()
    {
        var schema = SettingsSchema.For<SampleSettings>();
        var settings = new SampleSettings { ApiKey = Secret, AllowedEvents = [] };

        var error = Assert.Throws<InvalidSettings>(() => schema.Validate(settings));

        Assert.That(error.Message, Does.Not.Contain(Secret));
    }

    [Test]
    public void Validate_RequiredSettingsSet_DoesNotThrow()
    {
        var schema = SettingsSchema.For<SampleSettings>();
        var settings = new SampleSettings { ApiKey = Secret, AllowedEvents = ["Order Completed"] };

        Assert.DoesNotThrow(() => schema.Validate(settings));
    }

    [Test]
    public void Validate_OptionalSettingsMissing_DoesNotThrow()
    {
        var schema = SettingsSchema.For<SampleSettings>();
        var settings = new SampleSettings { ApiKey = Secret, AllowedEvents = ["a"], Region = null, CustomHeaders = [] };

        Assert.DoesNotThrow(() => schema.Validate(settings));
    }

    [Test]
    public void Validate_Null_ThrowsNamingTheSettingsClass()
    {
        var schema = SettingsSchema.For<SampleSettings>();

        var error = Assert.Throws<InvalidSettings>(() => schema.Validate(null));

        Assert.That(error.Message, Does.Contain(nameof(SampleSettings)));
    }

    // Where an encrypted value turns up: as it is, escaped in a URL, or escaped by either JSON encoder.
    public static IEnumerable<TestCaseData> TextsCarryingTheSecret()
    {
        yield return new TestCaseData((Func<string, string>)(s => $"Authorization: Bearer {s}; done"), "Authorization: Bearer ***; done")
            .SetArgDisplayNames("plain text");
        yield return new TestCaseData((Func<string, string>)(s => $"https://api.example.com/v1?key={Uri.EscapeDataString(s)}&x=1"), "https://api.example.com/v1?key=***&x=1")
            .SetArgDisplayNames("URL-escaped");
        yield return new TestCaseData((Func<string, string>)(s => JsonSerializer.Serialize(new { key = s })), "{\"key\":\"***\"}")
            .SetArgDisplayNames("JSON, default encoder");
        yield return new TestCaseData(
                (Func<string, string>)(s => new JsonObject { ["key"] = s }.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping })),
                "{\"key\":\"***\"}")
            .SetArgDisplayNames("JSON, relaxed encoder");
    }

    [TestCaseSource(nameof(TextsCarryingTheSecret))]
    public void CreateRedactor_EncryptedValueInAnyForm_IsHidden(Func<string, string> textWith, string expected)
    {
        var redactor = RedactorFor(Secret);

        var redacted = redactor.Redact(textWith(Secret));

        Assert.That(redacted, Is.EqualTo(expected));
    }

    [Test]
    public void CreateRedactor_NonEncryptedValues_AreLeft()
    {
        var redactor = SettingsSchema.For<SampleSettings>().CreateRedactor(new SampleSettings { ApiKey = Secret, Region = "eu-west-1" });

        var redacted = redactor.Redact("region=eu-west-1");

        Assert.That(redacted, Is.EqualTo("region=eu-west-1"));
    }

    [Test]
    public void CreateRedactor_EncryptedListAndMap_HidesEveryItem()
    {
        var settings = new SecretCollectionsSettings
        {
            Tokens = ["token-one", "token-two"],
            Headers = new Dictionary<string, string> { ["X-Api-Key"] = "header-secret" },
        };
        var redactor = SettingsSchema.For<SecretCollectionsSettings>().CreateRedactor(settings);

        var redacted = redactor.Redact("token-one token-two X-Api-Key: header-secret");

        Assert.That(redacted, Is.EqualTo("*** *** X-Api-Key: ***"));
    }

    [Test]
    public void CreateRedactor_EncryptedValueUnset_ReturnsEmptyRedactor()
    {
        var redactor = SettingsSchema.For<SampleSettings>().CreateRedactor(new SampleSettings { ApiKey = null, Region = "eu" });

        using (Assert.EnterMultipleScope())
        {
            Assert.That(redactor.IsEmpty, Is.True);
            Assert.That(redactor.Redact("eu"), Is.EqualTo("eu"));
        }
    }

    [Test]
    public void CreateRedactor_Null_ReturnsNone()
    {
        var redactor = SettingsSchema.For<SampleSettings>().CreateRedactor(null);

        Assert.That(redactor, Is.SameAs(SecretRedactor.None));
    }

    [Test]
    public void CreateRedactor_FunctionSettingsInstance_HidesItsEncryptedValues()
    {
        var bag = new FunctionSettings().Set("apiKey", "bag-secret", encrypted: true).Set("region", "eu");

        var redactor = SettingsSchema.For<SampleSettings>().CreateRedactor(bag);

        Assert.That(redactor.Redact("bag-secret eu"), Is.EqualTo("*** eu"));
    }

    private static SecretRedactor RedactorFor(string apiKey) =>
        SettingsSchema.For<SampleSettings>().CreateRedactor(new SampleSettings { ApiKey = apiKey, AllowedEvents = ["a"] });

    private static SettingDescriptor Setting<TSettings>(string name)
    {
        var settings = SettingsSchema.For<TSettings>().Settings;
        var setting = settings.SingleOrDefault(s => s.Name == name);
        Assert.That(setting, Is.Not.Null, $"no setting named {name}; the schema has {string.Join(", ", settings.Select(s => s.Name))}");
        return setting!;
    }

    private sealed class SampleSettings
    {
        [Setting(Label = "API Key", Description = "Your secret key from the dashboard.", Required = true, Encrypted = true)]
        public string? ApiKey { get; set; }

        [Setting(Label = "Enabled")]
        public bool Enabled { get; set; }

        [Setting(Label = "Event Names", Name = "eventAllowList", Required = true)]
        public List<string> AllowedEvents { get; set; } = [];

        [Setting(Label = "Custom Headers")]
        public Dictionary<string, string> CustomHeaders { get; set; } = [];

        [Setting]
        public string? Region { get; set; }

        public string? NotASetting { get; set; }
    }

    private sealed class AllTypesSettings
    {
        [Setting]
        public string[] Strings { get; set; } = [];

        [Setting]
        public List<string> List { get; set; } = [];

        [Setting]
        public IReadOnlyList<string> ReadOnlyList { get; set; } = [];

        [Setting]
        public IEnumerable<string> Enumerable { get; set; } = [];

        [Setting]
        public Dictionary<string, string> Dictionary { get; set; } = [];

        [Setting]
        public IReadOnlyDictionary<string, string> ReadOnlyDictionary { get; set; } = new Dictionary<string, string>();

        [Setting]
        public string Text { get; set; } = "";

        [Setting]
        public bool Flag { get; set; }
    }

    private sealed class SecretCollectionsSettings
    {
        [Setting(Encrypted = true)]
        public List<string> Tokens { get; set; } = [];

        [Setting(Encrypted = true)]
        public Dictionary<string, string> Headers { get; set; } = [];
    }

    private sealed class IntSettings
    {
        [Setting]
        public string? Host { get; set; }

        [Setting]
        public int Port { get; set; }
    }

    private sealed class IntListSettings
    {
        [Setting]
        public List<int> Ports { get; set; } = [];
    }

    private sealed class IntMapSettings
    {
        [Setting]
        public Dictionary<string, int> Limits { get; set; } = [];
    }

    private sealed class DuplicateSettings
    {
        [Setting]
        public string? ApiKey { get; set; }

        [Setting(Name = "apiKey")]
        public string? OtherKey { get; set; }
    }
}
