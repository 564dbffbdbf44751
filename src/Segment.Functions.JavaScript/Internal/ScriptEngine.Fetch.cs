using System.Net.Http.Headers;
using System.Net.Sockets;
using Jint;
using Jint.Native;
using Jint.Native.Promise;

namespace Segment.Functions.JavaScript.Internal;

/// <summary>
/// The transport behind <c>fetch</c>: the destination's <see cref="HttpClient"/>, so its resilience
/// pipeline, the per-invocation capture and the redaction of secrets apply as they do for C# functions.
/// </summary>
internal sealed partial class ScriptEngine
{
    /// <summary>The most response body a script may read, when the request sets no <c>size</c> of its own.</summary>
    internal const int MaxResponseBytes = 16 * 1024 * 1024;

    /// <summary>send(method, url, [name, value, …], body, binary, timeoutMs, sizeLimit) → Promise of [status, statusText, url, [name, value, …], text, redirected].</summary>
    private JsValue Send(JsValue[] arguments)
    {
        var method = Arg(arguments, 0).AsString();
        var url = Arg(arguments, 1).AsString();
        var headers = Arg(arguments, 2).AsArray();
        var body = Arg(arguments, 3);
        var binary = Arg(arguments, 4).AsBoolean();
        var timeout = Arg(arguments, 5).AsNumber();
        var size = Arg(arguments, 6).AsNumber();

        var request = new HttpRequestMessage(new HttpMethod(method), url);
        if (body.IsString())
        {
            request.Content = new ByteArrayContent(binary ? ByteStrings.FromLatin1(body.AsString()) : System.Text.Encoding.UTF8.GetBytes(body.AsString()));
        }

        for (uint i = 0; i + 1 < headers.Length; i += 2)
        {
            AddHeader(request, headers[i].AsString(), headers[i + 1].AsString());
        }

        var promise = _engine.Advanced.RegisterPromise();
        _ = SendAsync(request, timeout > 0 ? TimeSpan.FromMilliseconds(timeout) : null, size > 0 ? (long)size : MaxResponseBytes, promise, _token);
        return promise.Promise;
    }

    private static void AddHeader(HttpRequestMessage request, string name, string value)
    {
        // The length is the body's own, and the client sets Host from the URL.
        if (name is "content-length" or "host")
        {
            return;
        }

        if (!request.Headers.TryAddWithoutValidation(name, value))
        {
            request.Content?.Headers.TryAddWithoutValidation(name, value);
        }
    }

    private async Task SendAsync(HttpRequestMessage request, TimeSpan? timeout, long sizeLimit, ManualPromise promise, CancellationToken invocation)
    {
        var url = request.RequestUri!.AbsoluteUri;
        using var deadline = timeout is { } after ? new CancellationTokenSource(after, _services.Time) : null;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(invocation, deadline?.Token ?? CancellationToken.None);
        try
        {
            using (request)
            using (var response = await _services.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false))
            {
                var bytes = await ReadBodyAsync(response.Content, sizeLimit, url, linked.Token).ConfigureAwait(false);
                var status = (int)response.StatusCode;
                var statusText = response.ReasonPhrase ?? "";
                var finalUrl = response.RequestMessage?.RequestUri?.AbsoluteUri ?? url;
                var headerList = HeaderList(response.Headers, response.Content.Headers);
                var text = System.Text.Encoding.UTF8.GetString(bytes);
                Post(() => promise.Resolve(new JsArray(_engine,
                [
                    status, statusText, finalUrl,
                    new JsArray(_engine, headerList.Select(h => (JsValue)h).ToArray()),
                    text, finalUrl != url,
                ])));
            }
        }
        catch (OperationCanceledException) when (invocation.IsCancellationRequested)
        {
            // The invocation timed out or the host stopped: nobody waits for this response.
        }
        catch (OperationCanceledException) when (deadline?.IsCancellationRequested == true)
        {
            Reject(promise, $"network timeout at: {url}", "request-timeout", null);
        }
        catch (ResponseTooLargeException e)
        {
            Reject(promise, e.Message, "max-size", null);
        }
        catch (Exception e)
        {
            // Connection refused, DNS, TLS, the resilience pipeline giving up (open circuit, its own
            // timeout): node-fetch reports them all as a system FetchError, and functions retry on it.
            Reject(promise, e.Message, "system", ErrorCode(e));
        }
    }

    private void Reject(ManualPromise promise, string message, string type, string? code) =>
        Post(() => promise.Reject(new JsArray(_engine, [message, type, code is null ? JsValue.Null : code])));

    private static async Task<byte[]> ReadBodyAsync(HttpContent content, long limit, string url, CancellationToken cancellationToken)
    {
        if (content.Headers.ContentLength > limit)
        {
            throw new ResponseTooLargeException($"content size at {url} over limit: {limit}");
        }

        using var body = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var copy = new MemoryStream();
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (copy.Length + read > limit)
            {
                throw new ResponseTooLargeException($"content size at {url} over limit: {limit}");
            }

            copy.Write(buffer, 0, read);
        }

        return copy.ToArray();
    }

    private static List<string> HeaderList(HttpResponseHeaders headers, HttpContentHeaders contentHeaders)
    {
        var list = new List<string>();
        foreach (var (name, values) in headers.NonValidated.Concat(contentHeaders.NonValidated))
        {
            foreach (var value in values)
            {
                list.Add(name.ToLowerInvariant());
                list.Add(value);
            }
        }

        return list;
    }

    private static string? ErrorCode(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is SocketException socket)
            {
                return socket.SocketErrorCode switch
                {
                    SocketError.ConnectionRefused => "ECONNREFUSED",
                    SocketError.HostNotFound or SocketError.NoData => "ENOTFOUND",
                    SocketError.TimedOut => "ETIMEDOUT",
                    SocketError.ConnectionReset => "ECONNRESET",
                    _ => socket.SocketErrorCode.ToString(),
                };
            }

            if (e is HttpRequestException { HttpRequestError: HttpRequestError.NameResolutionError or HttpRequestError.ConnectionError } http)
            {
                return http.HttpRequestError == HttpRequestError.NameResolutionError ? "ENOTFOUND" : "ECONNREFUSED";
            }
        }

        return null;
    }

    private sealed class ResponseTooLargeException(string message) : Exception(message);
}
