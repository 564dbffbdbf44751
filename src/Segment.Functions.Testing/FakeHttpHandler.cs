using System.Net;
using System.Text;

namespace Segment.Functions.Testing;

/// <summary>
/// A scripted stand-in for the network: match requests on method and URL and answer with a status,
/// body and headers, or throw to simulate a network error. A request that matches nothing fails
/// the run loudly with <see cref="UnmatchedRequestException"/>.
/// </summary>
/// <example>
/// <code>
/// harness.Http.On(HttpMethod.Post, "https://api.example.com/track").Respond(HttpStatusCode.OK, "{}");
/// harness.Http.On(HttpMethod.Post, "https://api.example.com/*").Throw(new HttpRequestException("Connection refused"));
/// </code>
/// </example>
public sealed class FakeHttpHandler : HttpMessageHandler
{
    private readonly List<FakeRoute> _routes = [];
    private readonly List<string> _unmatched = [];
    private readonly List<HttpRequestMessage> _received = [];
    private readonly Lock _gate = new();

    /// <summary>Every request received, in order (matched or not).</summary>
    public IReadOnlyList<HttpRequestMessage> Received
    {
        get
        {
            lock (_gate)
            {
                return _received.ToArray();
            }
        }
    }

    /// <summary>Descriptions of the requests nothing matched since the last <see cref="TakeUnmatched"/>.</summary>
    internal IReadOnlyList<string> TakeUnmatched()
    {
        lock (_gate)
        {
            var unmatched = _unmatched.ToArray();
            _unmatched.Clear();
            return unmatched;
        }
    }

    /// <summary>Adds a route for <paramref name="method"/> and <paramref name="url"/>; a URL ending in <c>*</c> matches by prefix.</summary>
    /// <param name="method">The HTTP method to match.</param>
    /// <param name="url">The absolute URL, exact (query included) or a prefix ending in <c>*</c>.</param>
    /// <returns>The route, to say how it answers.</returns>
    public FakeRoute On(HttpMethod method, string url)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentException.ThrowIfNullOrEmpty(url);
        var prefix = url.EndsWith('*');
        var text = prefix ? url[..^1] : url;
        return Add(new FakeRoute($"{method} {url}", request =>
            request.Method == method
            && request.RequestUri is { } uri
            && (prefix ? uri.AbsoluteUri.StartsWith(text, StringComparison.Ordinal) : uri.AbsoluteUri == new Uri(text).AbsoluteUri)));
    }

    /// <summary>Adds a route matched by a predicate.</summary>
    /// <param name="description">How the route shows in the message of an unmatched request.</param>
    /// <param name="match">Whether a request takes this route.</param>
    /// <returns>The route, to say how it answers.</returns>
    public FakeRoute On(string description, Func<HttpRequestMessage, bool> match)
    {
        ArgumentNullException.ThrowIfNull(match);
        return Add(new FakeRoute(description, match));
    }

    /// <inheritdoc/>
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        FakeRoute? route;
        string[] routes;
        lock (_gate)
        {
            _received.Add(request);
            route = _routes.FirstOrDefault(r => r.Matches(request));
            routes = _routes.Select(r => r.Description).ToArray();
        }

        if (route is null)
        {
            var description = await DescribeAsync(request, cancellationToken).ConfigureAwait(false);
            lock (_gate)
            {
                _unmatched.Add(description);
            }

            throw new UnmatchedRequestException(description, routes);
        }

        var response = await route.AnswerAsync(request, cancellationToken).ConfigureAwait(false);
        response.RequestMessage ??= request;
        return response;
    }

    private FakeRoute Add(FakeRoute route)
    {
        lock (_gate)
        {
            _routes.Add(route);
        }

        return route;
    }

    private static async Task<string> DescribeAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var text = new StringBuilder($"{request.Method} {request.RequestUri}");
        if (request.Content is not null)
        {
            var body = await request.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            text.Append('\n').Append(body.Length > 1024 ? body[..1024] + "…" : body);
        }

        return text.ToString();
    }
}

/// <summary>How a <see cref="FakeHttpHandler"/> route answers. Several answers are used in order; the last repeats.</summary>
public sealed class FakeRoute
{
    private readonly Func<HttpRequestMessage, bool> _match;
    private readonly List<Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>>> _answers = [];
    private int _next;

    internal FakeRoute(string description, Func<HttpRequestMessage, bool> match)
    {
        Description = description;
        _match = match;
    }

    /// <summary>How the route shows in messages.</summary>
    public string Description { get; }

    /// <summary>How many requests this route answered.</summary>
    public int CallCount => Volatile.Read(ref _next);

    /// <summary>Answers with a status, an optional body and optional headers.</summary>
    /// <param name="status">The status code.</param>
    /// <returns>This route, to add the next answer.</returns>
    public FakeRoute Respond(HttpStatusCode status) => Respond(status, body: null);

    /// <summary>Answers with a status, an optional body and optional headers.</summary>
    /// <param name="status">The status code.</param>
    /// <param name="body">The body text (JSON is typical).</param>
    /// <returns>This route, to add the next answer.</returns>
    public FakeRoute Respond(HttpStatusCode status, string? body) => Respond(status, body, headers: null);

    /// <summary>Answers with a status, an optional body and optional headers.</summary>
    /// <param name="status">The status code.</param>
    /// <param name="body">The body text (JSON is typical).</param>
    /// <param name="headers">Response headers, e.g. <c>Retry-After</c>.</param>
    /// <returns>This route, to add the next answer.</returns>
    public FakeRoute Respond(HttpStatusCode status, string? body, IReadOnlyDictionary<string, string>? headers) =>
        Respond(_ =>
        {
            var response = new HttpResponseMessage(status) { Content = new StringContent(body ?? "", Encoding.UTF8, "application/json") };
            foreach (var (name, value) in headers ?? new Dictionary<string, string>())
            {
                if (!response.Headers.TryAddWithoutValidation(name, value))
                {
                    response.Content.Headers.TryAddWithoutValidation(name, value);
                }
            }

            return response;
        });

    /// <summary>Answers with a response built from the request.</summary>
    /// <param name="respond">Builds the response.</param>
    /// <returns>This route, to add the next answer.</returns>
    public FakeRoute Respond(Func<HttpRequestMessage, HttpResponseMessage> respond)
    {
        ArgumentNullException.ThrowIfNull(respond);
        _answers.Add((request, _) => Task.FromResult(respond(request)));
        return this;
    }

    /// <summary>Answers asynchronously, e.g. waiting on the harness's fake clock to simulate a slow server.</summary>
    /// <param name="respond">Builds the response.</param>
    /// <returns>This route, to add the next answer.</returns>
    public FakeRoute Respond(Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> respond)
    {
        ArgumentNullException.ThrowIfNull(respond);
        _answers.Add(respond);
        return this;
    }

    /// <summary>Fails the request with an exception, as a network error would (e.g. <see cref="HttpRequestException"/>).</summary>
    /// <param name="exception">The exception the function's HTTP call throws.</param>
    /// <returns>This route, to add the next answer.</returns>
    public FakeRoute Throw(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        _answers.Add((_, _) => Task.FromException<HttpResponseMessage>(exception));
        return this;
    }

    internal bool Matches(HttpRequestMessage request) => _match(request);

    internal Task<HttpResponseMessage> AnswerAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (_answers.Count == 0)
        {
            throw new InvalidOperationException($"The fake route {Description} has no answer; call Respond(...) or Throw(...) on it.");
        }

        var index = Interlocked.Increment(ref _next) - 1;
        return _answers[Math.Min(index, _answers.Count - 1)](request, cancellationToken);
    }
}

/// <summary>A function made a request that no <see cref="FakeHttpHandler"/> route matches.</summary>
public sealed class UnmatchedRequestException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="request">The request: method, URL and body.</param>
    /// <param name="routes">The routes that exist.</param>
    public UnmatchedRequestException(string request, IReadOnlyList<string> routes)
        : base($"No fake HTTP route matches this request:\n{request}\nRoutes: {(routes.Count == 0 ? "(none)" : string.Join(", ", routes))}.\nAdd one with harness.Http.On(method, url).Respond(...).")
    {
        Request = request;
    }

    /// <summary>The request that matched nothing.</summary>
    public string Request { get; }
}
