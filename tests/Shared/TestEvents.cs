namespace Segment.Functions.Tests.Hosting;

/// <summary>Small events with distinct message ids for host tests.</summary>
internal static class TestEvents
{
    public static string TrackJson(int i, string name = "Order Completed", string? integrations = null) =>
        $$"""{"type":"track","event":"{{name}}","userId":"user-{{i}}","messageId":"m-{{i}}"{{(integrations is null ? "" : $",\"integrations\":{integrations}")}}}""";

    public static SegmentEvent Track(int i, string name = "Order Completed", string? integrations = null) =>
        SegmentEvent.Parse(TrackJson(i, name, integrations));
}
