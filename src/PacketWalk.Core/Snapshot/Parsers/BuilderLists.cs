using System.Collections;
using System.Reflection;

namespace PacketWalk.Core.Snapshot.Parsers;

/// <summary>
/// Appends what one file's parse collected (a private <see cref="NetworkModelBuilder"/>) to the estate's builder. Every
/// list property is found by reflection, so a resource kind added to the builder later is merged without a change here.
/// </summary>
internal static class BuilderLists
{
    private static readonly PropertyInfo[] BuilderProperties = ListProperties(typeof(NetworkModelBuilder));
    private static readonly PropertyInfo[] StateProperties = ListProperties(typeof(SnapshotReaderState));

    private static PropertyInfo[] ListProperties(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance)
            .Where(p => p.PropertyType.IsGenericType && p.PropertyType.GetGenericTypeDefinition() == typeof(List<>) && p.GetIndexParameters().Length == 0)
            .ToArray();

    public static void Append(NetworkModelBuilder target, NetworkModelBuilder part)
    {
        AppendLists(BuilderProperties, target, part);
        if (part.ReaderState is { } partState)
            AppendLists(StateProperties, target.ReaderState ??= new SnapshotReaderState(), partState);
    }

    private static void AppendLists(PropertyInfo[] properties, object target, object part)
    {
        foreach (var property in properties)
        {
            var from = (IList)property.GetValue(part)!;
            if (from.Count == 0) continue;
            var to = (IList)property.GetValue(target)!;
            foreach (var item in from) to.Add(item);
        }
    }
}
