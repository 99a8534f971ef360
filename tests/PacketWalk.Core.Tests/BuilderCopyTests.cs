using System.Reflection;
using System.Runtime.CompilerServices;
using PacketWalk.Core.Snapshot;

namespace PacketWalk.Core.Tests;

/// <summary>
/// NetworkModelBuilder.Copy() (behind NetworkModel.ToBuilder() and model.With(edits)) carries all of the builder's state,
/// not only its resource lists: a property added later that Copy() does not carry fails here.
/// </summary>
public class BuilderCopyTests
{
    [Fact]
    public void Copy_carries_every_property_of_the_builder()
    {
        var original = new NetworkModelBuilder();
        var expected = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var property in NetworkModelBuilder.CopiedProperties)
            expected[property.Name] = Fill(original, property);

        var copy = original.Copy();

        foreach (var property in NetworkModelBuilder.CopiedProperties)
        {
            var value = property.GetValue(copy);
            if (expected[property.Name] is object[] items)
            {
                Assert.NotSame(property.GetValue(original), value);   // the copy has its own collection
                Assert.Equal(items, ((System.Collections.IEnumerable)value!).Cast<object>().ToArray());
            }
            else Assert.True(Equals(expected[property.Name], value), $"{property.Name}: expected {expected[property.Name]}, copied {value}");
        }
    }

    [Fact]
    public void Every_property_is_either_copied_or_listed_as_not_copied_with_a_reason()
    {
        var all = typeof(NetworkModelBuilder).GetProperties(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance).Select(p => p.Name).ToHashSet();
        Assert.Equal(all.OrderBy(n => n), NetworkModelBuilder.CopiedProperties.Select(p => p.Name).Concat(NetworkModelBuilder.NotCopied.Keys).OrderBy(n => n));
        Assert.All(NetworkModelBuilder.NotCopied, kv => Assert.False(string.IsNullOrWhiteSpace(kv.Value)));
        // A copy made after Build() is complete: the reader's deferred work is gone by then.
        Assert.Contains(nameof(NetworkModelBuilder.ReaderState), NetworkModelBuilder.NotCopied.Keys);
    }

    /// <summary>Gives one property a value that differs from a fresh builder's, returns what the copy must hold.</summary>
    private static object? Fill(NetworkModelBuilder builder, PropertyInfo property)
    {
        var type = property.PropertyType;
        var collection = type.GetInterfaces().Append(type).FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(ICollection<>));
        if (collection is not null && property.SetMethod is null)
        {
            var element = collection.GetGenericArguments()[0];
            var items = new[] { Sample(element, 1), Sample(element, 2) };
            var target = property.GetValue(builder)!;
            var add = collection.GetMethod("Add")!;
            foreach (var item in items) add.Invoke(target, new[] { item });
            return items;
        }
        var value = type == typeof(bool) ? !(bool)property.GetValue(builder)! : Sample(type, 1);
        property.SetValue(builder, value);
        return value;
    }

    private static object Sample(Type type, int n) =>
        type == typeof(string) ? $"sample-{n}"
        : type == typeof(bool) ? true
        : type.IsValueType ? Convert.ChangeType(n, type)
        // Records are carried by reference (they are immutable): any instance will do, and identity proves it was carried.
        : RuntimeHelpers.GetUninitializedObject(type);
}
