using Microsoft.Extensions.Configuration;
using Segment.Functions.Hosting;
using Segment.Functions.JavaScript.Internal;

namespace Segment.Functions.JavaScript;

/// <summary>Adds destinations whose function is JavaScript written for Segment's original runtime.</summary>
/// <example>
/// <code>
/// services.AddSegmentFunctions()
///     .AddJavaScriptDestination("Acme (JS)", File.ReadAllText("acme.js"),
///         new FunctionSettings().Set("apiKey", "…", encrypted: true).Set("endpoint", "https://api.acme.test"));
/// </code>
/// </example>
public static class JavaScriptDestinationExtensions
{
    /// <summary>Adds a JavaScript destination with settings set in code.</summary>
    /// <param name="builder">The builder <c>AddSegmentFunctions()</c> returned.</param>
    /// <param name="name">The destination's name, unique; also its key in the <c>integrations</c> object.</param>
    /// <param name="source">The function's JavaScript, unmodified: <c>async function onTrack(event, settings) { … }</c> and so on.</param>
    /// <param name="settings">The <c>settings</c> object the handlers get; mark secrets with <c>encrypted: true</c> so they are redacted.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="JavaScriptSourceException">The source does not parse, or uses a global this runtime lacks; the message names them.</exception>
    /// <exception cref="ArgumentException">The name is empty, reserved, or already used.</exception>
    public static SegmentFunctionsBuilder AddJavaScriptDestination(this SegmentFunctionsBuilder builder, string name, string source, FunctionSettings settings) =>
        builder.AddJavaScriptDestination(name, source, settings, configureDestination: null, options: null);

    /// <summary>Adds a JavaScript destination with settings set in code and per-destination choices.</summary>
    /// <param name="builder">The builder <c>AddSegmentFunctions()</c> returned.</param>
    /// <param name="name">The destination's name, unique; also its key in the <c>integrations</c> object.</param>
    /// <param name="source">The function's JavaScript, unmodified.</param>
    /// <param name="settings">The <c>settings</c> object the handlers get; mark secrets with <c>encrypted: true</c>.</param>
    /// <param name="configureDestination">Sets a filter and other per-destination choices.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="JavaScriptSourceException">The source does not parse, or uses a global this runtime lacks; the message names them.</exception>
    /// <exception cref="ArgumentException">The name is empty, reserved, or already used.</exception>
    public static SegmentFunctionsBuilder AddJavaScriptDestination(
        this SegmentFunctionsBuilder builder, string name, string source, FunctionSettings settings, Action<DestinationOptions>? configureDestination) =>
        builder.AddJavaScriptDestination(name, source, settings, configureDestination, options: null);

    /// <summary>Adds a JavaScript destination with settings set in code, per-destination choices and script limits.</summary>
    /// <param name="builder">The builder <c>AddSegmentFunctions()</c> returned.</param>
    /// <param name="name">The destination's name, unique; also its key in the <c>integrations</c> object.</param>
    /// <param name="source">The function's JavaScript, unmodified.</param>
    /// <param name="settings">The <c>settings</c> object the handlers get; mark secrets with <c>encrypted: true</c>.</param>
    /// <param name="configureDestination">Sets a filter and other per-destination choices; null for none.</param>
    /// <param name="options">Script limits; the defaults when null.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="JavaScriptSourceException">The source does not parse, or uses a global this runtime lacks; the message names them.</exception>
    /// <exception cref="ArgumentException">The name is empty, reserved, or already used.</exception>
    public static SegmentFunctionsBuilder AddJavaScriptDestination(
        this SegmentFunctionsBuilder builder, string name, string source, FunctionSettings settings, Action<DestinationOptions>? configureDestination, JavaScriptOptions? options)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Func<IServiceProvider, JavaScriptFunction> factory;
        try
        {
            factory = JavaScriptFunction.Factory(source, options);
        }
        catch (JavaScriptSourceException e)
        {
            throw new JavaScriptSourceException($"Destination \"{name}\": {e.Message}", e.UnsupportedGlobals, e.InnerException);
        }

        return builder.AddDestination(name, settings, factory, configureDestination);
    }

    /// <summary>Adds a JavaScript destination whose settings are a JSON object, such as <c>{"endpoint":"…","enabled":true}</c>, with no secrets.</summary>
    /// <param name="builder">The builder <c>AddSegmentFunctions()</c> returned.</param>
    /// <param name="name">The destination's name, unique.</param>
    /// <param name="source">The function's JavaScript, unmodified.</param>
    /// <param name="settingsJson">The settings as a JSON object.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="JavaScriptSourceException">The source does not parse, or uses a global this runtime lacks.</exception>
    /// <exception cref="InvalidSettings">The settings are not a JSON object.</exception>
    public static SegmentFunctionsBuilder AddJavaScriptDestination(this SegmentFunctionsBuilder builder, string name, string source, string settingsJson) =>
        builder.AddJavaScriptDestination(name, source, settingsJson, encryptedSettings: null, configureDestination: null, options: null);

    /// <summary>Adds a JavaScript destination whose settings are a JSON object, such as <c>{"apiKey":"…","enabled":true}</c>.</summary>
    /// <param name="builder">The builder <c>AddSegmentFunctions()</c> returned.</param>
    /// <param name="name">The destination's name, unique.</param>
    /// <param name="source">The function's JavaScript, unmodified.</param>
    /// <param name="settingsJson">The settings as a JSON object.</param>
    /// <param name="encryptedSettings">The names of the settings that are secrets.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="JavaScriptSourceException">The source does not parse, or uses a global this runtime lacks.</exception>
    /// <exception cref="InvalidSettings">The settings are not a JSON object.</exception>
    public static SegmentFunctionsBuilder AddJavaScriptDestination(
        this SegmentFunctionsBuilder builder, string name, string source, string settingsJson, IEnumerable<string>? encryptedSettings) =>
        builder.AddJavaScriptDestination(name, source, settingsJson, encryptedSettings, configureDestination: null, options: null);

    /// <summary>Adds a JavaScript destination whose settings are a JSON object, with per-destination choices and script limits.</summary>
    /// <param name="builder">The builder <c>AddSegmentFunctions()</c> returned.</param>
    /// <param name="name">The destination's name, unique.</param>
    /// <param name="source">The function's JavaScript, unmodified.</param>
    /// <param name="settingsJson">The settings as a JSON object.</param>
    /// <param name="encryptedSettings">The names of the settings that are secrets.</param>
    /// <param name="configureDestination">Sets a filter and other per-destination choices; null for none.</param>
    /// <param name="options">Script limits; the defaults when null.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="JavaScriptSourceException">The source does not parse, or uses a global this runtime lacks.</exception>
    /// <exception cref="InvalidSettings">The settings are not a JSON object.</exception>
    public static SegmentFunctionsBuilder AddJavaScriptDestination(
        this SegmentFunctionsBuilder builder, string name, string source, string settingsJson, IEnumerable<string>? encryptedSettings,
        Action<DestinationOptions>? configureDestination, JavaScriptOptions? options)
    {
        ArgumentNullException.ThrowIfNull(settingsJson);
        return builder.AddJavaScriptDestination(name, source, FunctionSettings.FromJson(settingsJson, encryptedSettings ?? []), configureDestination, options);
    }

    /// <summary>
    /// Adds a JavaScript destination whose settings are read from a configuration section: a value
    /// <c>true</c>/<c>false</c> is a Boolean, numbered children (<c>tags:0</c>, <c>tags:1</c>) an Array,
    /// other children a Map, anything else a String.
    /// </summary>
    /// <param name="builder">The builder <c>AddSegmentFunctions()</c> returned.</param>
    /// <param name="name">The destination's name, unique.</param>
    /// <param name="source">The function's JavaScript, unmodified.</param>
    /// <param name="settings">The section, e.g. <c>configuration.GetSection("Destinations:Crm")</c>.</param>
    /// <param name="encryptedSettings">The names of the settings that are secrets.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="JavaScriptSourceException">The source does not parse, or uses a global this runtime lacks.</exception>
    public static SegmentFunctionsBuilder AddJavaScriptDestination(
        this SegmentFunctionsBuilder builder, string name, string source, IConfiguration settings, IEnumerable<string>? encryptedSettings) =>
        builder.AddJavaScriptDestination(name, source, settings, encryptedSettings, configureDestination: null, options: null);

    /// <summary>Adds a JavaScript destination whose settings are read from a configuration section, with per-destination choices and script limits.</summary>
    /// <param name="builder">The builder <c>AddSegmentFunctions()</c> returned.</param>
    /// <param name="name">The destination's name, unique.</param>
    /// <param name="source">The function's JavaScript, unmodified.</param>
    /// <param name="settings">The section; see the other overload for how values are read.</param>
    /// <param name="encryptedSettings">The names of the settings that are secrets.</param>
    /// <param name="configureDestination">Sets a filter and other per-destination choices; null for none.</param>
    /// <param name="options">Script limits; the defaults when null.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="JavaScriptSourceException">The source does not parse, or uses a global this runtime lacks.</exception>
    public static SegmentFunctionsBuilder AddJavaScriptDestination(
        this SegmentFunctionsBuilder builder, string name, string source, IConfiguration settings, IEnumerable<string>? encryptedSettings,
        Action<DestinationOptions>? configureDestination, JavaScriptOptions? options)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return builder.AddJavaScriptDestination(name, source, SettingsJson.FromConfiguration(settings, encryptedSettings), configureDestination, options);
    }
}
