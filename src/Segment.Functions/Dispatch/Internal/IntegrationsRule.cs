using System.Text.Json;
using System.Text.Json.Nodes;
using Segment.Functions.Events.Internal;

namespace Segment.Functions.Dispatch.Internal;

/// <summary>
/// The <c>integrations</c> object of an event (SPEC §9): <c>{"All": false, "My Function": true}</c>.
/// Names match case-sensitively, <c>All</c> defaults to true, and a destination's own key wins
/// over <c>All</c>. Any value but <c>false</c> (true, an options object) turns a destination on;
/// null counts as not set.
/// </summary>
internal static class IntegrationsRule
{
    private const string All = "All";

    public static bool Allows(SegmentEvent @event, string destination)
    {
        // Read the parsed JSON directly when nobody has asked for the bag yet: no JsonObject is built.
        ref var integrations = ref @event.Field(EventField.Integrations);
        if (integrations.Materialized is JsonObject bag)
        {
            return Decide(bag, destination) ?? Decide(bag, All) ?? true;
        }

        var source = integrations.Source;
        return source.ValueKind != JsonValueKind.Object || (Decide(source, destination) ?? Decide(source, All) ?? true);
    }

    private static bool? Decide(JsonObject bag, string name) =>
        bag.TryGetPropertyValue(name, out var value) && value is not null
            ? value.GetValueKind() != JsonValueKind.False
            : null;

    private static bool? Decide(JsonElement bag, string name) =>
        bag.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null
            ? value.ValueKind != JsonValueKind.False
            : null;
}
