using Microsoft.Extensions.Hosting;

namespace Segment.Functions.Hosting.Internal;

/// <summary>Starts and stops the host's destinations with the application (registered once, however often <c>AddSegmentFunctions</c> is called).</summary>
internal sealed class SegmentFunctionsHostedService(SegmentFunctionsHost host) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => host.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => host.StopAsync(cancellationToken);
}
