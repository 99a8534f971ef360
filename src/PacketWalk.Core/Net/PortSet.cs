using System.Globalization;
using System.Text;

namespace PacketWalk.Core.Net;

/// <summary>An inclusive port range, 0-65535.</summary>
public readonly record struct PortRange(int From, int To)
{
    public static readonly PortRange All = new(0, 65535);
    public bool Contains(int port) => port >= From && port <= To;
    public int Count => To - From + 1;
    public override string ToString() => From == To ? From.ToString(CultureInfo.InvariantCulture) : $"{From}-{To}";
}

/// <summary>
/// An immutable set of ports as sorted, disjoint ranges. Walks carry port sets rather than single ports so
/// that a reply to "any ephemeral port" can be narrowed rule by rule and the verdict can say which part passed.
/// </summary>
public sealed class PortSet : IEquatable<PortSet>
{
    private readonly PortRange[] _ranges;

    public static readonly PortSet Empty = new(Array.Empty<PortRange>());
    public static readonly PortSet All = new(new[] { PortRange.All });

    private PortSet(PortRange[] normalized) => _ranges = normalized;

    public static PortSet Of(int port) => new(new[] { new PortRange(port, port) });
    public static PortSet Of(int from, int to) => from > to ? Empty : new(new[] { new PortRange(Math.Max(0, from), Math.Min(65535, to)) });
    public static PortSet Of(IEnumerable<PortRange> ranges) => new(Normalize(ranges));

    public IReadOnlyList<PortRange> Ranges => _ranges;
    public bool IsEmpty => _ranges.Length == 0;
    public int Count => _ranges.Sum(r => r.Count);
    public bool IsSingle => _ranges.Length == 1 && _ranges[0].From == _ranges[0].To;
    public int First => _ranges.Length == 0 ? -1 : _ranges[0].From;

    public bool Contains(int port) => _ranges.Any(r => r.Contains(port));

    public PortSet Intersect(PortRange range)
    {
        var result = new List<PortRange>(_ranges.Length);
        foreach (var r in _ranges)
        {
            int from = Math.Max(r.From, range.From), to = Math.Min(r.To, range.To);
            if (from <= to) result.Add(new PortRange(from, to));
        }
        return result.Count == _ranges.Length && result.SequenceEqual(_ranges) ? this : new PortSet(result.ToArray());
    }

    public PortSet Intersect(PortSet other)
    {
        var parts = new List<PortRange>();
        foreach (var r in other._ranges) parts.AddRange(Intersect(r)._ranges);
        return Of(parts);
    }

    public PortSet Subtract(PortRange range)
    {
        var result = new List<PortRange>(_ranges.Length + 1);
        foreach (var r in _ranges)
        {
            if (range.To < r.From || range.From > r.To) { result.Add(r); continue; }
            if (range.From > r.From) result.Add(new PortRange(r.From, range.From - 1));
            if (range.To < r.To) result.Add(new PortRange(range.To + 1, r.To));
        }
        return new PortSet(result.ToArray());
    }

    public PortSet Subtract(PortSet other)
    {
        var current = this;
        foreach (var r in other._ranges) current = current.Subtract(r);
        return current;
    }

    public PortSet Union(PortSet other) => Of(_ranges.Concat(other._ranges));

    private static PortRange[] Normalize(IEnumerable<PortRange> ranges)
    {
        var sorted = ranges.Where(r => r.From <= r.To).OrderBy(r => r.From).ToList();
        var merged = new List<PortRange>(sorted.Count);
        foreach (var r in sorted)
        {
            if (merged.Count > 0 && r.From <= merged[^1].To + 1)
                merged[^1] = new PortRange(merged[^1].From, Math.Max(merged[^1].To, r.To));
            else merged.Add(r);
        }
        return merged.ToArray();
    }

    public bool Equals(PortSet? other) => other is not null && _ranges.AsSpan().SequenceEqual(other._ranges);
    public override bool Equals(object? obj) => Equals(obj as PortSet);
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var r in _ranges) hash.Add(r);
        return hash.ToHashCode();
    }

    public override string ToString()
    {
        if (_ranges.Length == 0) return "none";
        var sb = new StringBuilder();
        for (int i = 0; i < _ranges.Length; i++)
        {
            if (i > 0) sb.Append(',');
            sb.Append(_ranges[i].ToString());
        }
        return sb.ToString();
    }
}
