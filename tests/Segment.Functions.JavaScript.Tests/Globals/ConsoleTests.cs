using Microsoft.Extensions.Logging;

namespace Segment.Functions.JavaScript.Tests.Globals;

/// <summary>console writes the invocation's captured logs, formatted roughly as Node's util.format.</summary>
public class ConsoleTests
{
    [Test]
    public async Task Console_LevelsAndFormatting()
    {
        var run = await Js.RunTrackAsync("""
            console.log('event', event.event, { price: event.properties.price, tags: ['a', 1] });
            console.warn('%s has %d items {literal}', 'cart', 3);
            console.error(new ValidationError('bad field').message, null, undefined, true);
            console.info([]);
            """);

        Assert.That(run.LogEntries.Select(e => (e.Level, e.Message)), Is.EqualTo(new[]
        {
            (LogLevel.Information, "event Product Added { price: 18.99, tags: [ 'a', 1 ] }"),
            (LogLevel.Warning, "cart has 3 items {literal}"),
            (LogLevel.Error, "bad field null undefined true"),
            (LogLevel.Information, "[]"),
        }));
    }

    [Test]
    public async Task Console_RedactsEncryptedSettings()
    {
        var run = await Js.RunTrackAsync("console.log('using key', settings.apiKey);", settings: new FunctionSettings().Set("apiKey", "secret-value-9", encrypted: true));

        Assert.That(run.Lines(), Is.EqualTo(new[] { "using key ***" }));
    }
}
