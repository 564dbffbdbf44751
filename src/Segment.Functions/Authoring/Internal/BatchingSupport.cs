using System.Collections.Concurrent;
using System.Reflection;

namespace Segment.Functions.Authoring.Internal;

/// <summary>Whether a function defines <c>OnBatch</c>: what opts it into batching.</summary>
internal static class BatchingSupport
{
    private static readonly ConcurrentDictionary<(Type Function, Type Settings), bool> ByType = new();

    /// <summary>
    /// True when the function's class overrides <see cref="DestinationFunction{TSettings}.OnBatch"/>, or
    /// implements <see cref="IDestinationFunction{TSettings}.OnBatch"/> itself rather than keeping the
    /// interface's default.
    /// </summary>
    public static bool IsDefined<TSettings>(IDestinationFunction<TSettings> function) =>
        ByType.GetOrAdd((function.GetType(), typeof(TSettings)), static key => Find(key.Function, key.Settings));

    private static bool Find(Type type, Type settings)
    {
        Type[] parameters = [typeof(IReadOnlyList<SegmentEvent>), settings, typeof(CancellationToken)];
        var baseClass = typeof(DestinationFunction<>).MakeGenericType(settings);
        if (baseClass.IsAssignableFrom(type))
        {
            return type.GetMethod(nameof(IDestinationFunction<object>.OnBatch), BindingFlags.Public | BindingFlags.Instance, parameters)?.DeclaringType != baseClass;
        }

        // A direct implementation: the interface map names the method that serves OnBatch; the
        // interface's own default means the class did not define one.
        foreach (var contract in type.GetInterfaces().Where(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IDestinationFunction<>)))
        {
            var map = type.GetInterfaceMap(contract);
            var index = Array.FindIndex(map.InterfaceMethods, m => m.Name == nameof(IDestinationFunction<object>.OnBatch));
            if (index >= 0 && map.TargetMethods[index].DeclaringType != contract)
            {
                return true;
            }
        }

        return false;
    }
}
