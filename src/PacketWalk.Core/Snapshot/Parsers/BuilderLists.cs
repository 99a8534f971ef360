using System.Reflection;

namespace PacketWalk.Core.Snapshot.Parsers;

/// <summary>
/// Appends what each file's parse collected (private <see cref="NetworkModelBuilder"/>s, in file order) to the estate's
/// builder. Every list property is found by reflection, so a resource kind added to the builder later is merged without
/// a change here; each list grows once to its final size.
/// </summary>
internal static class BuilderLists
{
    private static readonly Action<object, IReadOnlyList<object>>[] BuilderMerges = Merges(typeof(NetworkModelBuilder));
    private static readonly Action<object, IReadOnlyList<object>>[] StateMerges = Merges(typeof(SnapshotReaderState));

    private static Action<object, IReadOnlyList<object>>[] Merges(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance)
            .Where(p => p.PropertyType.IsGenericType && p.PropertyType.GetGenericTypeDefinition() == typeof(List<>) && p.GetIndexParameters().Length == 0)
            .Select(p => (Action<object, IReadOnlyList<object>>)typeof(BuilderLists).GetMethod(nameof(Merge), BindingFlags.NonPublic | BindingFlags.Static)!
                .MakeGenericMethod(p.PropertyType.GetGenericArguments()[0])
                .Invoke(null, new object[] { p })!)
            .ToArray();

    private static Action<object, IReadOnlyList<object>> Merge<T>(PropertyInfo property)
    {
        var get = (Func<object, List<T>>)(o => (List<T>)property.GetValue(o)!);
        return (target, parts) =>
        {
            var list = get(target);
            int total = list.Count;
            foreach (var part in parts) total += get(part).Count;
            if (total == list.Count) return;
            list.EnsureCapacity(total);
            foreach (var part in parts) list.AddRange(get(part));
        };
    }

    public static void AppendAll(NetworkModelBuilder target, IReadOnlyList<NetworkModelBuilder> parts)
    {
        foreach (var merge in BuilderMerges) merge(target, parts);
        // The sets of TGW route tables whose route and propagation lists were read (perhaps empty) are not lists.
        foreach (var part in parts)
        {
            target.TransitGatewayRouteTablesWithRoutesListed.UnionWith(part.TransitGatewayRouteTablesWithRoutesListed);
            target.TransitGatewayRouteTablesWithPropagationsListed.UnionWith(part.TransitGatewayRouteTablesWithPropagationsListed);
        }
        var states = parts.Select(p => p.ReaderState).OfType<SnapshotReaderState>().ToList();
        if (states.Count == 0) return;
        var targetState = target.ReaderState ??= new SnapshotReaderState();
        foreach (var merge in StateMerges) merge(targetState, states);
    }
}
