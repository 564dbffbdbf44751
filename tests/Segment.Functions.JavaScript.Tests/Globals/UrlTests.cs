namespace Segment.Functions.JavaScript.Tests.Globals;

/// <summary>URL and URLSearchParams as WHATWG (and Node 18) define them, for what functions use.</summary>
public class UrlTests
{
    [Test]
    public async Task Url_ExposesItsParts()
    {
        var run = await Js.RunTrackAsync("""
            const u = new URL('https://user:pw@API.Acme.test:8443/v1/items?q=1#top');
            console.log(u.protocol, u.username, u.password, u.host, u.hostname, u.port, u.pathname, u.search, u.hash, u.origin);
            const d = new URL('https://api.acme.test:443');
            console.log(d.href, d.port, d.pathname, d.search, JSON.stringify({ d }));
            """);

        Assert.That(run.Lines(), Is.EqualTo(new[]
        {
            "https: user pw api.acme.test:8443 api.acme.test 8443 /v1/items ?q=1 #top https://api.acme.test:8443",
            "https://api.acme.test/  /  {\"d\":\"https://api.acme.test/\"}",
        }));
    }

    [Test]
    public async Task Url_ResolvesRelativeToABase_AndRefusesNonsense()
    {
        var run = await Js.RunTrackAsync("""
            console.log(new URL('../b/c?x=1', 'https://api.acme.test/a/z/').href);
            console.log(new URL('//cdn.acme.test/p', 'https://api.acme.test').href);
            try { new URL('not a url'); } catch (err) { console.log(err.name, err.code, err.message); }
            """);

        Assert.That(run.Lines(), Is.EqualTo(new[]
        {
            "https://api.acme.test/a/b/c?x=1",
            "https://cdn.acme.test/p",
            "TypeError ERR_INVALID_URL Invalid URL",
        }));
    }

    [Test]
    public async Task Url_Setters_KeepHrefAndSearchParamsInStep()
    {
        var run = await Js.RunTrackAsync("""
            const u = new URL('https://api.acme.test/v1?a=1');
            u.pathname = '/v2/users list';
            u.searchParams.append('b', 'x y');
            console.log(u.href);
            u.search = '?c=3';
            console.log(u.searchParams.get('c'), u.searchParams.has('a'), u.toString());
            u.hash = 'frag';
            u.port = '8080';
            console.log(String(u));
            """);

        Assert.That(run.Lines(), Is.EqualTo(new[]
        {
            "https://api.acme.test/v2/users%20list?a=1&b=x+y",
            "3 false https://api.acme.test/v2/users%20list?c=3",
            "https://api.acme.test:8080/v2/users%20list?c=3#frag",
        }));
    }

    [Test]
    public async Task UrlSearchParams_ParseSerializeAndEdit()
    {
        var run = await Js.RunTrackAsync("""
            const p = new URLSearchParams('?a=1&b=two+words&b=%C3%A9&empty=&flag');
            console.log(p.get('a'), p.get('b'), p.getAll('b').join('|'), p.get('empty'), p.get('flag'), p.get('none'), p.size);
            p.set('b', 'one'); p.delete('a'); p.sort();
            console.log(p.toString());
            const q = new URLSearchParams({ email: 'ada@example.com', note: "it's ~(ok)!*" });
            console.log(q.toString(), [...q.keys()].join(','));
            const r = new URLSearchParams([['x', '1'], ['y', '2']]);
            r.forEach((v, k) => console.log(k + '=' + v));
            """);

        Assert.That(run.Lines(), Is.EqualTo(new[]
        {
            "1 two words two words|é   null 5",
            "b=one&empty=&flag=",
            "email=ada%40example.com&note=it%27s+%7E%28ok%29%21* email,note",
            "x=1",
            "y=2",
        }));
    }
}
