using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http;

namespace Segment.Functions.Http.Internal;

/// <summary>
/// Keeps a destination's HttpClient out of the application's own telemetry. A function's requests
/// carry its secrets (a webhook key in the path, a token in a header), and .NET's built-in
/// instrumentation would write them out unredacted: IHttpClientFactory's logging puts the URL in
/// its lines and in a scope at Information, and the request and response headers at Trace; the
/// System.Net.Http activity tags <c>url.full</c> with the path. Each invocation's own HTTP traces,
/// redacted, are what records and the harness show instead.
/// </summary>
internal static class QuietHttpClient
{
    /// <summary>
    /// Removes the client's loggers (the factory's defaults and any added by
    /// <c>ConfigureHttpClientDefaults</c>), and turns off System.Net.Http's activity (and with it the
    /// trace headers sent to the destination) on the primary handler when that handler is a
    /// <see cref="SocketsHttpHandler"/> or the factory's untouched default. A primary handler the
    /// application configured itself is left as it is.
    /// </summary>
    public static IHttpClientBuilder Apply(IHttpClientBuilder client)
    {
        client.RemoveAllLoggers();
        client.Services.Configure<HttpClientFactoryOptions>(client.Name, static options =>
            options.HttpMessageHandlerBuilderActions.Add(static builder => builder.PrimaryHandler = WithoutActivity(builder.PrimaryHandler)));
        return client;
    }

    internal static HttpMessageHandler WithoutActivity(HttpMessageHandler primary)
    {
        switch (primary)
        {
            case SocketsHttpHandler sockets:
                try
                {
                    // Without a propagator SocketsHttpHandler leaves its DiagnosticsHandler out: no activity, no trace headers.
                    sockets.ActivityHeadersPropagator = null;
                }
                catch (InvalidOperationException)
                {
                    // A shared handler that has already sent requests cannot be changed; it stays as configured.
                }

                return sockets;
            case HttpClientHandler plain when IsUntouchedDefault(plain):
                // HttpClientHandler hides its SocketsHttpHandler; an unconfigured one is swapped for the
                // equivalent SocketsHttpHandler, which lets the activity be turned off.
                plain.Dispose();
                return new SocketsHttpHandler { ActivityHeadersPropagator = null };
            default:
                return primary;
        }
    }

    // True for the factory's own HttpClientHandler: nothing set that a swap would lose.
    private static bool IsUntouchedDefault(HttpClientHandler handler)
    {
        if (handler.GetType() != typeof(HttpClientHandler))
        {
            return false;
        }

        using var fresh = new HttpClientHandler();
        return handler.UseProxy == fresh.UseProxy && handler.Proxy is null && handler.DefaultProxyCredentials is null
            && handler.Credentials is null && handler.UseDefaultCredentials == fresh.UseDefaultCredentials && handler.PreAuthenticate == fresh.PreAuthenticate
            && handler.ServerCertificateCustomValidationCallback is null && handler.CheckCertificateRevocationList == fresh.CheckCertificateRevocationList
            && handler.SslProtocols == fresh.SslProtocols
            && handler.ClientCertificateOptions == fresh.ClientCertificateOptions && handler.ClientCertificates.Count == 0
            && handler.AllowAutoRedirect == fresh.AllowAutoRedirect && handler.MaxAutomaticRedirections == fresh.MaxAutomaticRedirections
            && handler.AutomaticDecompression == fresh.AutomaticDecompression
            && handler.UseCookies == fresh.UseCookies && handler.CookieContainer.Count == 0
            && handler.MaxConnectionsPerServer == fresh.MaxConnectionsPerServer && handler.MaxResponseHeadersLength == fresh.MaxResponseHeadersLength
            && handler.MeterFactory is null && handler.Properties.Count == 0;
    }
}
