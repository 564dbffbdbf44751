using Segment.Functions.Dispatch.Internal;
using Segment.Functions.Settings.Internal;

namespace Segment.Functions.Http.Internal;

/// <summary>
/// Records each request a function makes, with its response, into the running invocation's
/// <see cref="InvocationCapture"/>. Outside an invocation it only passes requests on.
/// </summary>
internal sealed class CapturingHttpHandler : DelegatingHandler
{
    private static readonly HashSet<string> CredentialHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Authorization", "Proxy-Authorization", "Cookie", "Set-Cookie", "X-Api-Key", "Api-Key",
    };

    public CapturingHttpHandler()
    {
    }

    public CapturingHttpHandler(HttpMessageHandler inner)
        : base(inner)
    {
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var capture = InvocationCapture.Current;
        if (capture is null)
        {
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }

        var redactor = capture.Redactor;
        var maxBody = capture.Options.MaxHttpBodyBytes;
        var startedAt = capture.Time.GetUtcNow();
        var started = capture.Time.GetTimestamp();
        var requestBody = await TraceBody.ReadAsync(request.Content, maxBody, redactor, cancellationToken).ConfigureAwait(false);
        var trace = new HttpTrace
        {
            Method = request.Method.Method,
            // Shown decoded: however the secret was escaped in the URL (fully, partly, not at all),
            // decoding brings it back to the raw form the redactor looks for.
            Url = redactor.Redact(Uri.UnescapeDataString(request.RequestUri?.AbsoluteUri ?? "")),
            RequestHeaders = Headers(request.Headers, request.Content?.Headers, redactor),
            RequestBody = requestBody,
            StartedAt = startedAt,
        };

        HttpResponseMessage response;
        try
        {
            response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            capture.AddTrace(trace with
            {
                Error = redactor.Redact($"{exception.GetType().Name}: {exception.Message}"),
                Duration = capture.Time.GetElapsedTime(started),
            });
            throw;
        }

        string? responseBody;
        try
        {
            responseBody = await TraceBody.ReadAsync(response.Content, maxBody, redactor, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is HttpRequestException or IOException)
        {
            // A body cut off mid-stream: the trace says so, and the handler sees the same failure when
            // it reads (not "already consumed", which would hide what happened).
            responseBody = redactor.Redact($"<body could not be read: {exception.Message}>");
            response.Content = new FailedContent(response.Content, exception);
        }
        catch
        {
            // Cancelled while the body streamed: nobody else will dispose the response.
            response.Dispose();
            throw;
        }

        capture.AddTrace(trace with
        {
            StatusCode = (int)response.StatusCode,
            ResponseHeaders = Headers(response.Headers, response.Content.Headers, redactor),
            ResponseBody = responseBody,
            Duration = capture.Time.GetElapsedTime(started),
        });
        return response;
    }

    private static IReadOnlyList<KeyValuePair<string, string>> Headers(
        System.Net.Http.Headers.HttpHeaders headers,
        System.Net.Http.Headers.HttpHeaders? contentHeaders,
        SecretRedactor redactor)
    {
        var list = new List<KeyValuePair<string, string>>();
        Add(headers);
        if (contentHeaders is not null)
        {
            Add(contentHeaders);
        }

        return list;

        void Add(System.Net.Http.Headers.HttpHeaders source)
        {
            foreach (var (name, values) in source)
            {
                var value = CredentialHeaders.Contains(name) ? "***" : redactor.Redact(string.Join(", ", values));
                list.Add(new(name, value));
            }
        }
    }

    /// <summary>Stands in for a body that failed to stream: reading it throws the original failure.</summary>
    private sealed class FailedContent : HttpContent
    {
        private readonly Exception _failure;

        public FailedContent(HttpContent original, Exception failure)
        {
            _failure = failure;
            foreach (var (name, values) in original.Headers)
            {
                Headers.TryAddWithoutValidation(name, values);
            }

            original.Dispose();
        }

        protected override Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context) => Task.FromException(_failure);

        protected override Task<Stream> CreateContentReadStreamAsync() => Task.FromException<Stream>(_failure);

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
