using Microsoft.Extensions.DependencyInjection;

namespace Segment.Functions.JavaScript.Tests.Registration;

/// <summary>Sources are checked when they are registered, not at the first event.</summary>
public class RegistrationTests
{
    private static SegmentFunctionsBuilder Builder() => new ServiceCollection().AddSegmentFunctions();

    [Test]
    public void ParseError_IsRefusedAtRegistration_NamingTheDestination()
    {
        var error = Assert.Throws<JavaScriptSourceException>(() =>
            Builder().AddJavaScriptDestination("Acme (JS)", "async function onTrack(event {\n}", new FunctionSettings()));

        Assert.That(error!.Message, Does.StartWith("Destination \"Acme (JS)\": The JavaScript source does not parse:"));
        Assert.That(error.UnsupportedGlobals, Is.Empty);
    }

    [Test]
    public void GlobalsTheRuntimeLacks_AreRefused_NamingEachOne()
    {
        const string source = """
            async function onTrack(event, settings) {
              const s3 = new AWS.S3();
              const body = Buffer.from(JSON.stringify(event)).toString('base64');
              await stripe(settings.key).charges.create({});
            }
            """;

        var error = Assert.Throws<JavaScriptSourceException>(() => Builder().AddJavaScriptDestination("Acme", source, new FunctionSettings()));

        Assert.That(error!.UnsupportedGlobals, Is.EqualTo(new[] { "AWS", "Buffer", "stripe" }));
        Assert.That(error.Message, Does.Contain("AWS (aws-sdk), Buffer (Node's Buffer), stripe (stripe)"));
    }

    [Test]
    public void UnknownNamesAndLocalDeclarations_AreAccepted()
    {
        const string source = """
            const stripe = { charge: () => 1 };      // the author's own, not the library
            async function onTrack(event) {
              if (event.event === 'never') notDefinedAnywhere();
              return stripe.charge();
            }
            """;

        Assert.DoesNotThrow(() => Builder().AddJavaScriptDestination("Acme", source, new FunctionSettings()));
    }

    [Test]
    public void Factory_ChecksTheSourceAndTheLimits()
    {
        Assert.Throws<JavaScriptSourceException>(() => JavaScriptFunction.Factory("process.exit(1)"));
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => JavaScriptFunction.Factory("", new JavaScriptOptions { MaxRecursionDepth = 5 }));
        Assert.That(error!.Message, Does.StartWith("JavaScriptOptions.MaxRecursionDepth must be between 16 and 10,000."));
    }

    [Test]
    public void JavaScriptOptions_Defaults()
    {
        var options = new JavaScriptOptions();

        Assert.That(options.MaxRecursionDepth, Is.EqualTo(500));
        Assert.That(options.MaxMemoryBytes, Is.EqualTo(64L * 1024 * 1024));
        Assert.That(options.MaxScriptTime, Is.EqualTo(TimeSpan.FromSeconds(4)));
        Assert.That(options.FileName, Is.EqualTo("function.js"));
        Assert.DoesNotThrow(options.Validate);
    }

    [TestCase(nameof(JavaScriptOptions.MaxMemoryBytes), "JavaScriptOptions.MaxMemoryBytes must be between 1 MiB and 4 GiB.")]
    [TestCase(nameof(JavaScriptOptions.MaxScriptTime), "JavaScriptOptions.MaxScriptTime must be between 1 ms and 15 minutes.")]
    public void JavaScriptOptions_OutOfRange_SaysWhich(string option, string message)
    {
        var options = new JavaScriptOptions();
        if (option == nameof(JavaScriptOptions.MaxMemoryBytes))
        {
            options.MaxMemoryBytes = 10;
        }
        else
        {
            options.MaxScriptTime = TimeSpan.Zero;
        }

        var error = Assert.Throws<ArgumentOutOfRangeException>(options.Validate);

        Assert.That(error!.Message, Does.StartWith(message));
    }
}
