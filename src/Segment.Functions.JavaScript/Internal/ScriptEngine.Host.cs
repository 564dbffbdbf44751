using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Jint;
using Jint.Native;
using Jint.Runtime;
using Microsoft.Extensions.Logging;

namespace Segment.Functions.JavaScript.Internal;

/// <summary>The host functions runtime.js is written against: plain JavaScript values in and out, never a .NET object.</summary>
internal sealed partial class ScriptEngine
{
    private readonly Dictionary<int, ITimer> _timers = [];
    private int _nextTimer;

    private JsObject CreateHost()
    {
        var host = new JsObject(_engine);
        void Add(string name, Func<JsValue[], JsValue> body) => host.Set(name, Callback(name, body));

        Add("log", a => Log(Arg(a, 0).AsString(), Arg(a, 1).AsString()));
        Add("btoa", a => Convert.ToBase64String(ByteStrings.FromLatin1(Arg(a, 0).AsString())));
        Add("atob", a => ByteStrings.ToLatin1(ByteStrings.FromBase64(Arg(a, 0).AsString())));
        Add("encode", a => Guarded(() => ByteStrings.Encode(ByteStrings.FromLatin1(Arg(a, 0).AsString()), Arg(a, 1).AsString())));
        Add("decode", a => Guarded(() => ByteStrings.ToLatin1(ByteStrings.Decode(Arg(a, 0).AsString(), Arg(a, 1).AsString()))));
        Add("hashSupported", a => Hashes.IsSupported(Arg(a, 0).AsString()));
        Add("digest", Digest);
        Add("randomUUID", _ => Guid.NewGuid().ToString("D"));
        Add("randomBytes", a => RandomBytes(Arg(a, 0)));
        Add("parseUrl", a => ParseUrl(Arg(a, 0).AsString(), Arg(a, 1)));
        Add("setTimer", a => SetTimer(Arg(a, 0).AsNumber(), Arg(a, 1).AsBoolean(), Arg(a, 2)));
        Add("clearTimer", a => ClearTimer((int)Arg(a, 0).AsNumber()));
        Add("cacheLoad", a => CacheLoad(Arg(a, 0).AsString(), Arg(a, 1).AsNumber(), Arg(a, 2)));
        Add("cacheDelete", a => CacheDelete(Arg(a, 0).AsString()));
        Add("send", Send);
        return host;
    }

    private JsValue Log(string level, string text)
    {
        var logLevel = level switch
        {
            "error" => LogLevel.Error,
            "warn" => LogLevel.Warning,
            "debug" => LogLevel.Debug,
            _ => LogLevel.Information,
        };

        // The text is the message itself, not a template: braces in it stay as written.
        _services.Logger.Log(logLevel, default, text, null, static (state, _) => state);
        return JsValue.Undefined;
    }

    private JsValue Digest(JsValue[] arguments)
    {
        var algorithm = Arg(arguments, 0).AsString();
        var key = Arg(arguments, 1);
        var chunks = Arg(arguments, 2).AsArray();
        var encoding = Arg(arguments, 3).AsString();
        return Guarded(() =>
        {
            using var data = new MemoryStream();
            for (uint i = 0; i < chunks.Length; i++)
            {
                data.Write(Chunk(chunks[i]));
            }

            var hash = key.IsNull() ? Hashes.Hash(algorithm, data.ToArray()) : Hashes.Hmac(algorithm, Chunk(key), data.ToArray());
            return ByteStrings.Encode(hash, encoding);
        });

        static byte[] Chunk(JsValue chunk) => ByteStrings.Decode(chunk.AsArray()[1].AsString(), chunk.AsArray()[0].AsString());
    }

    private JsValue RandomBytes(JsValue size)
    {
        var count = size.AsNumber();
        if (!(count >= 0 && count <= 65_536))
        {
            throw new JavaScriptException(_engine.Intrinsics.TypeError, "crypto.randomBytes: size must be between 0 and 65536.");
        }

        return ByteStrings.ToLatin1(RandomNumberGenerator.GetBytes((int)count));
    }

    // -------------------------------------------------------------------- URL parsing (System.Uri)
    [GeneratedRegex("^[a-zA-Z][a-zA-Z0-9+.-]*:")]
    private static partial Regex SchemePrefix();

    /// <summary>[protocol, username, password, hostname, port, pathname, search, hash], or null when it is not a URL.</summary>
    private JsValue ParseUrl(string input, JsValue relativeTo)
    {
        input = input.Trim('\0', '\t', '\n', '\f', '\r', ' ');
        Uri? uri = null;
        if (SchemePrefix().IsMatch(input))
        {
            Uri.TryCreate(input, UriKind.Absolute, out uri);
        }
        else if (relativeTo.IsString() && SchemePrefix().IsMatch(relativeTo.AsString().Trim())
            && Uri.TryCreate(relativeTo.AsString().Trim(), UriKind.Absolute, out var baseUri)
            && Uri.TryCreate(baseUri, input, out var resolved))
        {
            uri = resolved;
        }

        if (uri is null)
        {
            return JsValue.Null;
        }

        var userInfo = uri.UserInfo.Split(':', 2);
        var host = uri.HostNameType == UriHostNameType.Basic && uri.Host.Length == 0 ? "" : uri.Host.ToLowerInvariant();
        return new JsArray(_engine,
        [
            uri.Scheme + ":",
            userInfo[0],
            userInfo.Length > 1 ? userInfo[1] : "",
            host,
            uri.IsDefaultPort || host.Length == 0 ? "" : uri.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            uri.AbsolutePath,
            uri.Query,
            uri.Fragment,
        ]);
    }

    // -------------------------------------------------------------------- timers (the host's TimeProvider)
    private JsValue SetTimer(double milliseconds, bool repeat, JsValue callback)
    {
        var id = ++_nextTimer;
        if (milliseconds <= 0)
        {
            // setImmediate: next turn of the pump, no clock involved.
            Post(() => _engine.Call(callback));
            return id;
        }

        var delay = TimeSpan.FromMilliseconds(milliseconds);
        _timers[id] = _services.Time.CreateTimer(
            _ => Post(() =>
            {
                if (_timers.ContainsKey(id))
                {
                    _engine.Call(callback);
                }
            }),
            null,
            delay,
            repeat ? delay : Timeout.InfiniteTimeSpan);
        return id;
    }

    private JsValue ClearTimer(int id)
    {
        if (_timers.Remove(id, out var timer))
        {
            timer.Dispose();
        }

        return JsValue.Undefined;
    }

    /// <summary>Timers do not outlive the invocation that set them: the original runtime freezes between invocations.</summary>
    private void StopTimers()
    {
        foreach (var timer in _timers.Values)
        {
            timer.Dispose();
        }

        _timers.Clear();
    }

    // -------------------------------------------------------------------- cache (the destination's FunctionCache)
    private JsValue CacheLoad(string key, double ttlMilliseconds, JsValue produce)
    {
        // -1 or any negative: no expiry, as in the original; 0 keeps it for the least time the cache allows.
        TimeSpan? ttl = double.IsNaN(ttlMilliseconds) || ttlMilliseconds < 0 ? null : TimeSpan.FromMilliseconds(Math.Max(1, ttlMilliseconds));
        var promise = _engine.Advanced.RegisterPromise();
        _ = LoadAsync(key, ttl, produce, promise, _token);
        return promise.Promise;
    }

    private async Task LoadAsync(string key, TimeSpan? ttl, JsValue produce, Jint.Native.Promise.ManualPromise promise, CancellationToken cancellationToken)
    {
        try
        {
            var json = await _services.Cache.LoadAsync(key, ttl, () => Produce(produce), cancellationToken).ConfigureAwait(false);
            Post(() => promise.Resolve(json));
        }
        catch (ScriptRejection rejection) when (rejection.Origin == this)
        {
            Post(() => promise.Reject(rejection.Value));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The invocation is over; nothing waits for this value any more.
        }
        catch (Exception e)
        {
            // Another engine's factory failed while this one waited for the same key.
            var message = e.Message;
            Post(() => promise.Reject(_engine.Intrinsics.Error.Construct(message)));
        }
    }

    /// <summary>The cache's factory: runs the script's function on this engine's pump and waits for its promise.</summary>
    private Task<string> Produce(JsValue produce)
    {
        var result = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        Post(() => _engine.Call(_internals.Get("settle"), _engine.Call(produce), Callback("settled", arguments =>
        {
            if (Arg(arguments, 0).AsBoolean())
            {
                result.TrySetResult(Arg(arguments, 1).AsString());
            }
            else
            {
                var error = Arg(arguments, 1);
                result.TrySetException(new ScriptRejection(this, error, _engine.Call(_internals.Get("describe"), error).AsArray()[2].AsString()));
            }

            return JsValue.Undefined;
        })));
        return result.Task;
    }

    private JsValue CacheDelete(string key)
    {
        _services.Cache.Delete(key);
        return JsValue.Undefined;
    }

    /// <summary>Runs host code whose argument errors the script should see as a catchable TypeError.</summary>
    private JsValue Guarded(Func<string> body)
    {
        try
        {
            return body();
        }
        catch (Exception e) when (e is ArgumentException or FormatException or CryptographicException)
        {
            throw new JavaScriptException(_engine.Intrinsics.TypeError, e.Message);
        }
    }
}
