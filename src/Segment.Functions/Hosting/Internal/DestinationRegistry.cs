namespace Segment.Functions.Hosting.Internal;

/// <summary>The destinations registered on a service collection, in order; one instance per collection.</summary>
internal sealed class DestinationRegistry
{
    private readonly List<DestinationRegistration> _registrations = [];

    public IReadOnlyList<DestinationRegistration> Registrations => _registrations;

    public void Add(DestinationRegistration registration)
    {
        if (_registrations.Any(r => r.Name == registration.Name))
        {
            throw new ArgumentException($"A destination named \"{registration.Name}\" is already registered; give each destination its own name.", "name");
        }

        _registrations.Add(registration);
    }
}
