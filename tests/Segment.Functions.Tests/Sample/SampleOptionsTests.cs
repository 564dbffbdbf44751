using Sample;

namespace Segment.Functions.Tests.Sample;

public sealed class SampleOptionsTests
{
    [Test]
    public void Parse_NoArguments_GivesTheDocumentedDefaults()
    {
        var options = SampleOptions.Parse([]);

        Assert.That((options.Events, options.FailRate, options.ThrottleRate, options.BatchSize, options.Seed, options.Progress, options.Input, options.ShowHelp),
            Is.EqualTo((2000, 0.2, 0.05, 20, 1, true, (string?)null, false)));
        Assert.That(SampleOptions.Help, Does.Contain("default 2000").And.Contain("default 0.2").And.Contain("default 0.05").And.Contain("default 20"));
    }

    [Test]
    public void Parse_Flags_AreRead()
    {
        var options = SampleOptions.Parse(["--events", "50", "--fail-rate", "0.5", "--throttle-rate", "0", "--batch-size", "400", "--seed", "7", "--no-progress", "events.jsonl"]);

        Assert.That((options.Events, options.FailRate, options.ThrottleRate, options.BatchSize, options.Seed, options.Progress, options.Input),
            Is.EqualTo((50, 0.5, 0.0, 400, 7, false, (string?)"events.jsonl")));
    }

    [Test]
    public void Parse_Serve_ReadsUrlsAndWriteKey()
    {
        var options = SampleOptions.Parse(["serve", "--urls", "http://127.0.0.1:6000", "--write-key", "k"]);

        Assert.That((options.Serve, options.Urls, options.WriteKey, options.Input), Is.EqualTo((true, "http://127.0.0.1:6000", (string?)"k", (string?)null)));
        Assert.That(SampleOptions.Parse(["serve"]).Urls, Is.EqualTo("http://127.0.0.1:5080"));
    }

    [Test]
    public void Parse_Serve_CorsOriginIsRepeatable()
    {
        var options = SampleOptions.Parse(["serve", "--cors-origin", "http://localhost:3000", "--cors-origin", "*"]);

        Assert.That(options.CorsOrigins, Is.EqualTo(new[] { "http://localhost:3000", "*" }));
        Assert.That(SampleOptions.Parse(["serve"]).CorsOrigins, Is.Empty);
        Assert.That(() => SampleOptions.Parse(["--cors-origin", "*"]), Throws.ArgumentException.With.Message.Contains("Unknown option --cors-origin"));
    }

    [Test]
    public void Parse_UrlsWithoutServe_IsUnknown() =>
        Assert.That(() => SampleOptions.Parse(["--urls", "http://127.0.0.1:6000"]), Throws.ArgumentException.With.Message.Contains("Unknown option --urls"));

    [TestCase("-h")]
    [TestCase("--help")]
    public void Parse_Help_AsksForHelp(string flag) => Assert.That(SampleOptions.Parse([flag]).ShowHelp, Is.True);

    [Test]
    public void Parse_Dash_ReadsStandardInput() => Assert.That(SampleOptions.Parse(["-"]).Input, Is.EqualTo("-"));

    [TestCase(new[] { "--batch-size", "401" }, "--batch-size")]
    [TestCase(new[] { "--fail-rate", "2" }, "--fail-rate")]
    [TestCase(new[] { "--events" }, "needs a value")]
    [TestCase(new[] { "--bogus" }, "Unknown option --bogus")]
    [TestCase(new[] { "--fail-rate", "0.6", "--throttle-rate", "0.4" }, "at or below 0.9")]
    public void Parse_BadInput_SaysWhatIsWrong(string[] args, string message)
    {
        var error = Assert.Throws<ArgumentException>(() => SampleOptions.Parse(args));
        Assert.That(error!.Message, Does.Contain(message));
    }
}
