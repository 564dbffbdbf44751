using Segment.Functions;

namespace MyDestination;

/// <summary>The settings of the destination: what the "Add Setting" form asks for.</summary>
public sealed class MyDestinationSettings
{
    [Setting(Label = "API Key", Description = "The key of the API events are sent to", Required = true, Encrypted = true)]
    public string ApiKey { get; set; } = "";

    [Setting(Label = "Endpoint", Description = "Where events are sent", Required = true)]
    public string Endpoint { get; set; } = "";
}
