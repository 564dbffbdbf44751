using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Segment.Functions.Hosting;

namespace Segment.Functions.Tests.Hosting;

/// <summary>Starts a real generic host the way an application does, to see what option validation says at start-up.</summary>
internal static class HostStartup
{
    /// <summary>Starts a host with one probe destination and the given options; returns the validation error it must fail with.</summary>
    public static OptionsValidationException Fails(Action<SegmentFunctionsOptions> configure, Action<SegmentFunctionsBuilder>? more = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        var functions = builder.Services.AddSegmentFunctions(configure).AddDestination<ProbeFunction, ProbeSettings>("A", _ => { });
        more?.Invoke(functions);
        using var host = builder.Build();

        var error = Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        return error!;
    }
}
