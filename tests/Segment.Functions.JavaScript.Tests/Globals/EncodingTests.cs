namespace Segment.Functions.JavaScript.Tests.Globals;

/// <summary>btoa/atob (the npm packages Segment exposes) and crypto.</summary>
public class EncodingTests
{
    [Test]
    public async Task BtoaAtob_BehaveAsTheNpmPackages()
    {
        var run = await Js.RunTrackAsync("""
            console.log(btoa('api-key:'), btoa('é'), atob('aGVsbG8='), atob('aGVsbG8'), atob(btoa('round trip')));
            """);

        Assert.That(run.Lines(), Is.EqualTo(new[] { "YXBpLWtleTo= 6Q== hello hello round trip" }));
    }

    [Test]
    public async Task CreateHash_Md5Sha1Sha256_HexAndBase64()
    {
        var run = await Js.RunTrackAsync("""
            console.log(crypto.createHash('md5').update('hello').digest('hex'));
            console.log(crypto.createHash('sha1').update('hel').update('lo').digest('base64'));
            console.log(crypto.createHash('sha256').update('abc').digest('hex'));
            console.log(crypto.createHash('MD5').update(event.userId.toLowerCase().trim()).digest().toString('hex').length);
            try { crypto.createHash('whirlpool'); } catch (err) { console.log(err.message); }
            """);

        Assert.That(run.Lines(), Is.EqualTo(new[]
        {
            "5d41402abc4b2a76b9719d911017c592",
            "qvTGHdzF6KLavt4PO0gs2a6pQ00=",
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
            "32",
            "Digest method not supported",
        }));
    }

    [Test]
    public async Task CreateHmac_And_RandomUUID()
    {
        var run = await Js.RunTrackAsync("""
            console.log(crypto.createHmac('sha256', 'key').update('The quick brown fox jumps over the lazy dog').digest('hex'));
            const a = crypto.randomUUID(), b = crypto.randomUUID();
            console.log(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(a), a !== b);
            """);

        Assert.That(run.Lines(), Is.EqualTo(new[]
        {
            "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8",
            "true true",
        }));
    }
}
