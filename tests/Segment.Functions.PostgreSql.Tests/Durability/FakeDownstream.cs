using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Segment.Functions.PostgreSql.Tests.Durability;

/// <summary>
/// The API the crash host's functions deliver to: Kestrel on a free loopback port, taking a JSON array
/// of messageIds on <c>POST /single</c> or <c>POST /batched</c> and failing a fifth of the attempts with
/// 500. Which attempts fail is decided by a hash of (destination, messageId, how many times this
/// messageId was seen there), so a run is reproducible whatever the timing. <c>/single</c> fails a
/// request as a whole (HTTP 500); <c>/batched</c> answers 200 with one status per messageId (200 or
/// 500), so only the failed events of a batch are retried. It records every messageId it answered
/// with success, and which instance (the <c>X-Instance</c> header) delivered it.
/// </summary>
internal sealed class FakeDownstream : IAsyncDisposable
{
    /// <summary>The destinations of the crash host, which are also the downstream's paths.</summary>
    public static readonly IReadOnlyList<string> Destinations = ["Single", "Batched"];

    /// <summary>The share of attempts answered 500, in percent.</summary>
    public const int FailurePercent = 20;

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<(string Destination, string MessageId), int> _attempts = new();
    private readonly ConcurrentDictionary<(string Destination, string MessageId), string> _deliveredBy = new();
    private readonly ConcurrentDictionary<(string Destination, string MessageId), int> _successes = new();
    private long _requests;
    private long _failedAttempts;

    private FakeDownstream(WebApplication app) => _app = app;

    /// <summary>The base URL, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public string BaseUrl { get; private set; } = "";

    /// <summary>How many requests arrived.</summary>
    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>How many event attempts were answered 500.</summary>
    public long FailedAttempts => Interlocked.Read(ref _failedAttempts);

    public static async Task<FakeDownstream> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var downstream = new FakeDownstream(app);
        app.MapPost("/single", context => downstream.HandleAsync(context, "Single", wholeRequest: true));
        app.MapPost("/batched", context => downstream.HandleAsync(context, "Batched", wholeRequest: false));
        await app.StartAsync();
        downstream.BaseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return downstream;
    }

    /// <summary>Whether the destination's messageId was answered with success at least once.</summary>
    public bool WasDelivered(string destination, string messageId) => _deliveredBy.ContainsKey((destination, messageId));

    /// <summary>The instance that first had the destination's messageId answered with success, or null.</summary>
    public string? DeliveredBy(string destination, string messageId) => _deliveredBy.GetValueOrDefault((destination, messageId));

    /// <summary>How many times the destination's messageId arrived (attempts, answered or failed).</summary>
    public int Attempts(string destination, string messageId) => _attempts.GetValueOrDefault((destination, messageId));

    /// <summary>The (messageId, destination) pairs answered with success more than once: delivered again.</summary>
    public IReadOnlyList<(string MessageId, string Destination)> DeliveredMoreThanOnce() =>
        [.. _successes.Where(pair => pair.Value > 1).Select(pair => (pair.Key.MessageId, pair.Key.Destination))];

    /// <summary>How many messageIds each instance delivered first.</summary>
    public IReadOnlyDictionary<string, int> DeliveriesByInstance() =>
        _deliveredBy.Values.GroupBy(instance => instance).ToDictionary(group => group.Key, group => group.Count());

    /// <summary>Whether the attempt'th arrival (1-based) of the messageId at the destination fails: FNV-1a, so the same on every run and machine.</summary>
    public static bool Fails(string destination, string messageId, int attempt)
    {
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes($"{destination}|{messageId}|{attempt}"))
        {
            hash = (hash ^ b) * 16777619u;
        }

        return hash % 100 < FailurePercent;
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    private async Task HandleAsync(HttpContext context, string destination, bool wholeRequest)
    {
        Interlocked.Increment(ref _requests);
        var messageIds = await JsonSerializer.DeserializeAsync<string[]>(context.Request.Body, cancellationToken: context.RequestAborted) ?? [];
        var instance = context.Request.Headers["X-Instance"].ToString();
        var fails = messageIds.Select(id => Fails(destination, id, _attempts.AddOrUpdate((destination, id), 1, static (_, n) => n + 1))).ToArray();
        if (wholeRequest && fails.Any(failed => failed))
        {
            Interlocked.Add(ref _failedAttempts, messageIds.Length);
            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            return;
        }

        for (var i = 0; i < messageIds.Length; i++)
        {
            if (fails[i])
            {
                Interlocked.Increment(ref _failedAttempts);
            }
            else
            {
                _deliveredBy.TryAdd((destination, messageIds[i]), instance);
                _successes.AddOrUpdate((destination, messageIds[i]), 1, static (_, n) => n + 1);
            }
        }

        // Recorded before the answer is sent: an event the host heard delivered was recorded here.
        await context.Response.WriteAsJsonAsync(fails.Select(failed => failed ? 500 : 200), context.RequestAborted);
    }
}
