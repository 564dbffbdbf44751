namespace Segment.Functions.JavaScript.Internal;

/// <summary>
/// The globals of the original runtime (Node.js 18 with Segment's preinstalled libraries), split into
/// those this runtime provides and those it refuses at registration. A name in neither list that a
/// script reads without declaring is a latent <c>ReferenceError</c>, reproduced at run time as Node would.
/// </summary>
internal static class GlobalCatalog
{
    /// <summary>What the runtime adds to the standard JavaScript built-ins.</summary>
    public static readonly IReadOnlyList<string> Provided =
    [
        "onTrack", "onIdentify", "onPage", "onScreen", "onGroup", "onAlias", "onDelete", "onBatch",
        "fetch", "Request", "Response", "Headers", "FetchError",
        "URL", "URLSearchParams", "btoa", "atob", "console", "crypto", "cache",
        "EventNotSupported", "InvalidEventPayload", "ValidationError", "RetryError",
        "setTimeout", "clearTimeout", "setInterval", "clearInterval", "setImmediate", "clearImmediate", "queueMicrotask",
        "global", "_",
    ];

    /// <summary>Globals of the original runtime that this one lacks, with what they are; a source using one is refused.</summary>
    public static readonly IReadOnlyDictionary<string, string> Unsupported = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        // Node.js globals.
        ["Buffer"] = "Node's Buffer",
        ["process"] = "Node's process",
        ["require"] = "Node's require",
        ["module"] = "Node's module",
        ["exports"] = "Node's exports",
        ["__dirname"] = "Node's __dirname",
        ["__filename"] = "Node's __filename",
        ["TextEncoder"] = "TextEncoder",
        ["TextDecoder"] = "TextDecoder",
        ["AbortController"] = "AbortController",
        ["AbortSignal"] = "AbortSignal",
        ["Blob"] = "Blob",
        ["structuredClone"] = "structuredClone",
        ["performance"] = "performance",
        ["WebAssembly"] = "WebAssembly",
        ["https"] = "Node's https module",
        // Segment's preinstalled libraries.
        ["AWS"] = "aws-sdk",
        ["FormData"] = "form-data",
        ["fetchretrylib"] = "fetch-retry",
        ["google"] = "the @google-cloud libraries",
        ["hubspotlib"] = "hubspot-api-nodejs",
        ["jsforce"] = "jsforce",
        ["jsonwebtoken"] = "jsonwebtoken",
        ["libphonenumberjslib"] = "libphonenumber-js",
        ["mailchimpmailchimp"] = "mailchimp marketing",
        ["nodemailjet"] = "mailjet",
        ["moment"] = "moment-timezone",
        ["OAuth"] = "oauth",
        ["sendgrid"] = "@sendgrid/client and @sendgrid/mail",
        ["skyflowlib"] = "skyflow",
        ["stripe"] = "stripe",
        ["twilio"] = "twilio",
        ["uuidv5"] = "uuidv5",
        ["winstonlib"] = "winston",
        ["xml"] = "xml",
        ["xml2js"] = "xml2js",
        ["zlib"] = "zlib",
    };
}
