namespace Segment.Functions.PostgreSql.CrashHost;

/// <summary>Where the functions deliver, and the name of this process (sent along so the test sees who delivered what).</summary>
public sealed class DownstreamSettings
{
    /// <summary>The fake downstream's base URL; a destination posts to <c>{Endpoint}/{destination}</c>.</summary>
    [Setting(Label = "Endpoint", Required = true)]
    public string Endpoint { get; set; } = "";

    /// <summary>This process's instance id, sent in the <c>X-Instance</c> header.</summary>
    [Setting(Label = "Instance", Required = true)]
    public string Instance { get; set; } = "";
}
