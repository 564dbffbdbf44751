using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Segment.Functions.Tests.Ingestion;

/// <summary>Writes bytes on a fresh loopback connection and reads the answer's status line: for requests no HTTP client would send.</summary>
internal static class RawHttp
{
    /// <param name="baseUrl">The server.</param>
    /// <param name="head">Request line and headers, with the blank line.</param>
    /// <param name="body">Bytes sent after the head (all or part of the body; the rest may never come).</param>
    /// <returns>The status line, or empty when the server closed the connection without one.</returns>
    public static async Task<string> StatusLineAsync(string baseUrl, string head, byte[]? body = null)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, new Uri(baseUrl).Port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        if (body is not null)
        {
            await stream.WriteAsync(body);
        }

        using var reader = new StreamReader(stream, Encoding.ASCII);
        try
        {
            return await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30)) ?? "";
        }
        catch (IOException)
        {
            return ""; // reset by the server
        }
    }

    /// <summary>The value of <c>Authorization: Basic</c> for a write key.</summary>
    public static string Basic(string key) => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(key + ":"));
}
