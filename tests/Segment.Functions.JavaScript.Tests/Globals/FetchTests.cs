using System.Net;

namespace Segment.Functions.JavaScript.Tests.Globals;

/// <summary>fetch as node-fetch 2 behaves, over the harness's fake network.</summary>
public class FetchTests
{
    private const string Api = "https://api.acme.test/v1/events";

    [Test]
    public async Task Fetch_LowerCaseMethod_IsSentUpperCase()
    {
        var run = await Js.RunTrackAsync($"await fetch('{Api}', {{ method: 'post', body: 'x' }});",
            http => http.On(HttpMethod.Post, Api).Respond(HttpStatusCode.OK));

        Assert.That(run.Outcome, Is.EqualTo(OutcomeKind.Delivered), run.ToString());
        Assert.That(run.Requests.Single().Method, Is.EqualTo("POST"));
    }

    [Test]
    public async Task Fetch_UrlObjectWithSearchParams_IsSentAsItsHref()
    {
        var run = await Js.RunTrackAsync("""
            const url = new URL('/v1/users', 'https://api.acme.test');
            url.searchParams.set('name', 'Ada Lovelace');
            url.searchParams.append('tag', 'a&b');
            const res = await fetch(url);
            console.log(res.url);
            """,
            http => http.On(HttpMethod.Get, "https://api.acme.test/v1/users?*").Respond(HttpStatusCode.OK));

        Assert.That(run.Outcome, Is.EqualTo(OutcomeKind.Delivered), run.ToString());
        Assert.That(run.Lines(), Is.EqualTo(new[] { "https://api.acme.test/v1/users?name=Ada+Lovelace&tag=a%26b" }));
    }

    [Test]
    public async Task Fetch_PlainObjectHeaders_AreSentAndTheSecretIsRedactedInTheTrace()
    {
        using var harness = Js.Harness($$"""
            async function onTrack(event, settings) {
              await fetch('{{Api}}', {
                method: 'POST',
                headers: { Authorization: `Bearer ${settings.apiKey}`, 'X-Event': event.event, 'X-Count': 3 },
                body: JSON.stringify({ event: event.event })
              });
            }
            """, new FunctionSettings().Set("apiKey", "sk-live-123", encrypted: true));
        harness.Http.On(HttpMethod.Post, Api).Respond(HttpStatusCode.Accepted);

        var run = await harness.RunAsync(SampleEvents.Track());

        var sent = harness.Http.Received.Single();
        Assert.That(sent.Headers.Authorization!.ToString(), Is.EqualTo("Bearer sk-live-123"));
        Assert.That(sent.Headers.GetValues("X-Event").Single(), Is.EqualTo("Product Added"));
        Assert.That(sent.Headers.GetValues("X-Count").Single(), Is.EqualTo("3"));
        Assert.That(sent.Content!.Headers.ContentType!.ToString(), Is.EqualTo("text/plain; charset=UTF-8"), "a string body defaults to text/plain, as in node-fetch");
        Assert.That(run.Requests.Single().ToString() + string.Join(",", run.Requests.Single().RequestHeaders), Does.Not.Contain("sk-live-123"));
    }

    [Test]
    public async Task Response_ExposesStatusHeadersAndJson()
    {
        var run = await Js.RunTrackAsync($$"""
            const res = await fetch('{{Api}}');
            const body = await res.json();
            console.log(res.status, res.statusText, res.ok, res.headers.get('X-Request-Id'), body.id, res.bodyUsed);
            """,
            http => http.On(HttpMethod.Get, Api).Respond(HttpStatusCode.Created, "{\"id\":42}", new Dictionary<string, string> { ["X-Request-Id"] = "r-1" }));

        Assert.That(run.Lines(), Is.EqualTo(new[] { "201 Created true r-1 42 true" }));
    }

    [Test]
    public async Task Response_NotOk_IsReadableAndTheFunctionDecides()
    {
        var run = await Js.RunTrackAsync($$"""
            const res = await fetch('{{Api}}', { method: 'POST', body: '{}' });
            if (res.status >= 500 || res.status === 429) throw new RetryError(`HTTP Status ${res.status}`);
            """,
            http => http.On(HttpMethod.Post, Api).Respond(HttpStatusCode.TooManyRequests));

        Assert.That(run.Outcome, Is.EqualTo(OutcomeKind.Retry));
        Assert.That(run.Error!.Message, Is.EqualTo("HTTP Status 429"));
    }

    [Test]
    public async Task Json_OfABodyThatIsNotJson_RejectsWithFetchErrorInvalidJson()
    {
        var run = await Js.RunTrackAsync($$"""
            const res = await fetch('{{Api}}');
            try { await res.json(); } catch (err) { console.log(err.name, err.type, err.message.startsWith('invalid json response body at {{Api}} reason:')); }
            try { await res.text(); } catch (err) { console.log(err.name, err.message); }
            """,
            http => http.On(HttpMethod.Get, Api).Respond(HttpStatusCode.OK, "<html>"));

        Assert.That(run.Lines(), Is.EqualTo(new[] { "FetchError invalid-json true", $"TypeError body used already for: {Api}" }));
    }

    [Test]
    public async Task NetworkError_IsAFetchErrorThatFunctionsTurnIntoRetry()
    {
        var run = await Js.RunTrackAsync($$"""
            let res;
            try {
              res = await fetch('{{Api}}', { method: 'POST', body: '{}' });
            } catch (err) {
              console.log(err instanceof FetchError, err instanceof Error, err.name, err.type, err.code);
              throw new RetryError(err.message);
            }
            """,
            http => http.On(HttpMethod.Post, Api).Throw(new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused (api.acme.test:443)")));

        Assert.That(run.Outcome, Is.EqualTo(OutcomeKind.Retry));
        Assert.That(run.Error!.Message, Is.EqualTo($"request to {Api} failed, reason: Connection refused (api.acme.test:443)"));
        Assert.That(run.Lines(), Is.EqualTo(new[] { "true true FetchError system ECONNREFUSED" }));
    }

    [Test]
    public async Task NetworkError_NotCaught_IsAnUnknownErrorAndDiscarded()
    {
        var run = await Js.RunTrackAsync($"await fetch('{Api}');",
            http => http.On(HttpMethod.Get, Api).Throw(new HttpRequestException("No route to host")));

        Assert.That((run.Outcome, run.Reason), Is.EqualTo((OutcomeKind.Discarded, OutcomeReason.UnknownError)));
        Assert.That(run.Error!.Type, Is.EqualTo(typeof(JavaScriptError).FullName));
        Assert.That(run.Error.Message, Is.EqualTo($"FetchError: request to {Api} failed, reason: No route to host"));
    }

    [Test]
    public async Task Fetch_RefusesWhatNodeFetchRefuses()
    {
        var run = await Js.RunTrackAsync("""
            for (const attempt of [
              () => fetch('/relative/path'),
              () => fetch('ftp://files.acme.test/x'),
              () => fetch('https://api.acme.test/', { method: 'GET', body: 'x' }),
              () => fetch('https://api.acme.test/', { headers: { 'Bad Name': 'x' } }),
            ]) {
              try { await attempt(); console.log('sent'); } catch (err) { console.log(err.name + ': ' + err.message); }
            }
            """);

        Assert.That(run.Lines(), Is.EqualTo(new[]
        {
            "TypeError: Only absolute URLs are supported",
            "TypeError: Only HTTP(S) protocols are supported",
            "TypeError: Request with GET/HEAD method cannot have body",
            "TypeError: Bad Name is not a legal HTTP header name",
        }));
        Assert.That(run.Requests, Is.Empty);
    }

    [Test]
    public async Task Fetch_RequestObjectAndFormBody()
    {
        var run = await Js.RunTrackAsync($$"""
            const form = new URLSearchParams({ event: event.event, note: "it's (fine)!" });
            await fetch(new Request('{{Api}}', { method: 'put', body: form, headers: new Headers([['X-Trace', 'a'], ['x-trace', 'b']]) }));
            """,
            http => http.On(HttpMethod.Put, Api).Respond(HttpStatusCode.NoContent));

        var request = run.Requests.Single();
        Assert.That(request.RequestBody, Is.EqualTo("event=Product+Added&note=it%27s+%28fine%29%21"));
        Assert.That(request.RequestHeaders.Where(h => h.Key == "x-trace").Select(h => h.Value), Is.EqualTo(new[] { "a", "b" }).Or.EqualTo(new[] { "a, b" }));
        Assert.That(request.RequestHeaders.Single(h => h.Key == "Content-Type").Value, Is.EqualTo("application/x-www-form-urlencoded; charset=UTF-8"));
    }

    [Test]
    public async Task Fetch_TimeoutOption_RejectsWithRequestTimeoutOnTheHarnessClock()
    {
        using var harness = Js.Harness($$"""
            async function onTrack() {
              try { await fetch('{{Api}}', { timeout: 1000 }); } catch (err) { console.log(err.type, err.message); }
            }
            """);
        harness.Http.On(HttpMethod.Get, Api).Respond(async (request, cancellationToken) =>
        {
            var never = new TaskCompletionSource<HttpResponseMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
            await using var registration = cancellationToken.Register(() => never.TrySetCanceled(cancellationToken));
            return await never.Task;
        });

        var running = harness.RunAsync(SampleEvents.Track());
        harness.Time.Advance(TimeSpan.FromMilliseconds(1000));
        var run = await running;

        Assert.That(run.Outcome, Is.EqualTo(OutcomeKind.Delivered), run.ToString());
        Assert.That(run.Lines(), Is.EqualTo(new[] { $"request-timeout network timeout at: {Api}" }));
    }

    [Test]
    public async Task Headers_BehaveAsNodeFetchHeaders()
    {
        var run = await Js.RunTrackAsync("""
            const h = new Headers({ 'Content-Type': 'application/json' });
            h.append('X-A', '1'); h.append('x-a', '2'); h.set('Accept', 'text/plain');
            console.log(h.get('content-type'), h.get('X-A'), h.has('ACCEPT'), h.get('missing'));
            console.log(JSON.stringify([...h]));
            h.delete('x-a');
            const keys = []; h.forEach((value, key) => keys.push(key));
            console.log(keys.join(','));
            """);

        Assert.That(run.Lines(), Is.EqualTo(new[]
        {
            "application/json 1, 2 true null",
            "[[\"accept\",\"text/plain\"],[\"content-type\",\"application/json\"],[\"x-a\",\"1, 2\"]]",
            "accept,content-type",
        }));
    }
}
