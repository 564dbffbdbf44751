using System.Security.Cryptography;

namespace Segment.Functions.JavaScript.Internal;

/// <summary>The digests <c>crypto.createHash</c> and <c>crypto.createHmac</c> offer.</summary>
internal static class Hashes
{
    public static bool IsSupported(string algorithm) => algorithm is "md5" or "sha1" or "sha256" or "sha384" or "sha512";

    public static byte[] Hash(string algorithm, byte[] data) => algorithm switch
    {
        // MD5 and SHA-1 are here for compatibility with the APIs functions call, not for security.
#pragma warning disable CA5351, CA5350
        "md5" => MD5.HashData(data),
        "sha1" => SHA1.HashData(data),
#pragma warning restore CA5351, CA5350
        "sha256" => SHA256.HashData(data),
        "sha384" => SHA384.HashData(data),
        "sha512" => SHA512.HashData(data),
        _ => throw new ArgumentException("Digest method not supported"),
    };

    public static byte[] Hmac(string algorithm, byte[] key, byte[] data) => algorithm switch
    {
#pragma warning disable CA5351, CA5350
        "md5" => HMACMD5.HashData(key, data),
        "sha1" => HMACSHA1.HashData(key, data),
#pragma warning restore CA5351, CA5350
        "sha256" => HMACSHA256.HashData(key, data),
        "sha384" => HMACSHA384.HashData(key, data),
        "sha512" => HMACSHA512.HashData(key, data),
        _ => throw new ArgumentException("Digest method not supported"),
    };
}
