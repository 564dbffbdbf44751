using Microsoft.Extensions.Diagnostics.HealthChecks;
using Segment.Functions.Hosting.Internal;

namespace Segment.Functions.Delivery.Internal;

/// <summary>
/// A destination's health, like Segment's Connection Health: from the failure ratio of its recent
/// attempts (see <see cref="HealthOptions"/>). Registered per destination as <c>segment-functions:{name}</c>.
/// </summary>
internal sealed class DestinationHealthCheck(SegmentFunctionsHost host, string destination, HealthOptions options) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var pipeline = host.Pipelines.First(p => p.Name == destination);
        var (attempts, failures) = pipeline.Health;
        var status = pipeline.Status;
        var data = new Dictionary<string, object>
        {
            ["attempts"] = attempts,
            ["failures"] = failures,
            ["queued"] = status.Queued,
            ["inFlight"] = status.InFlight,
            ["waitingForRetry"] = status.WaitingForRetry,
        };

        if (pipeline.WorkerFailure is { } failure)
        {
            return Task.FromResult(new HealthCheckResult(context.Registration.FailureStatus, "The destination stopped reading its queue after an unexpected error.", failure, data));
        }

        if (attempts < options.MinimumAttempts)
        {
            return Task.FromResult(HealthCheckResult.Healthy($"{attempts} recent attempt(s), too few to judge.", data));
        }

        var ratio = failures / (double)attempts;
        var description = $"{failures} of the last {attempts} attempts failed ({ratio:P0}).";
        return Task.FromResult(
            ratio >= options.UnhealthyFailureRatio ? new HealthCheckResult(context.Registration.FailureStatus, description, data: data)
            : ratio >= options.DegradedFailureRatio ? HealthCheckResult.Degraded(description, data: data)
            : HealthCheckResult.Healthy(description, data));
    }
}
