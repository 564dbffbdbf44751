using System.Net;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;

namespace Segment.Functions.Dashboard.Internal;

/// <summary>
/// Who may see the dashboard: with an authorization policy on its endpoints (<c>RequireAuthorization</c>),
/// whoever the policy lets through (the app's authorization middleware decides); without one, only
/// requests from this machine's loopback address.
/// </summary>
internal static class LocalRequests
{
    public const string Refusal =
        "The Segment.Functions dashboard serves only local (loopback) requests when no authorization policy protects it. " +
        "To open it to other machines, require a policy: app.MapSegmentFunctionsDashboard(\"/functions\").RequireAuthorization(\"YourPolicy\") " +
        "(with app.UseAuthentication() and app.UseAuthorization()).";

    public static bool IsAllowed(HttpContext context) => HasPolicy(context) || IsLoopback(context.Connection.RemoteIpAddress);

    public static bool HasPolicy(HttpContext context) =>
        context.GetEndpoint()?.Metadata.GetOrderedMetadata<IAuthorizeData>() is { Count: > 0 };

    // An unknown remote address (no connection, e.g. an in-process server) is not taken for local.
    public static bool IsLoopback(IPAddress? remote) =>
        remote is not null && IPAddress.IsLoopback(remote.IsIPv4MappedToIPv6 ? remote.MapToIPv4() : remote);
}
