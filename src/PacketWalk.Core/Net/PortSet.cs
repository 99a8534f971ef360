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
    // Every operation returns a normalised set (sorted, disjoint, non-adjacent ranges). Where the answer equals an
    // operand, the operand itself is returned: sets are immutable, so sharing is safe and saves the walk allocations.
    private readonly PortRange[] _ranges;
    private string? _text;
    private int _hash;

    public static readonly PortSet Empty = new(Array.Empty<PortRange>());
    public static readonly PortSet All = new(new[] { PortRange.All });

    private PortSet(PortRange[] normalized) => _ranges = normalized;

    public static PortSet Of(int port) => new(new[] { new PortRange(port, port) });
    public static PortSet Of(int from, int to) => from > to ? Empty : new(new[] { new PortRange(Math.Max(0, from), Math.Min(65535, to)) });
    public static PortSet Of(IEnumerable<PortRange> ranges) => new(Normalize(ranges));

    public IReadOnlyList<PortRange> Ranges => _ranges;
    public bool IsEmpty => _ranges.Length == 0;
    public int Count
    {
        get
        {
            int count = 0;
            foreach (var r in _ranges) count += r.Count;
            return count;
        }
    }
    public bool IsSingle => _ranges.Length == 1 && _ranges[0].From == _ranges[0].To;
    public int First => _ranges.Length == 0 ? -1 : _ranges[0].From;

    public bool Contains(int port)
    {
        foreach (var r in _ranges)
            if (r.Contains(port)) return true;
        return false;
    }

    public PortSet Intersect(PortRange range)
    {
        if (_ranges.Length == 0) return this;
        if (range.From <= _ranges[0].From && range.To >= _ranges[^1].To) return this;
        int kept = 0;
        foreach (var r in _ranges)
            if (Math.Max(r.From, range.From) <= Math.Min(r.To, range.To)) kept++;
        if (kept == 0) return Empty;
        var result = new PortRange[kept];
        int i = 0;
        foreach (var r in _ranges)
        {
            int from = Math.Max(r.From, range.From), to = Math.Min(r.To, range.To);
            if (from <= to) result[i++] = new PortRange(from, to);
        }
        return new PortSet(result);
    }

    public PortSet Intersect(PortSet other)
    {
        if (_ranges.Length == 0 || other._ranges.Length == 0) return Empty;
        if (other._ranges.Length == 1) return Intersect(other._ranges[0]);
        if (_ranges.Length == 1) return other.Intersect(_ranges[0]);
        var parts = new List<PortRange>();
        foreach (var r in other._ranges) parts.AddRange(Intersect(r)._ranges);
        return Of(parts);
    }

    public PortSet Subtract(PortRange range)
    {
        if (_ranges.Length == 0 || range.To < _ranges[0].From || range.From > _ranges[^1].To) return this;
        var result = new List<PortRange>(_ranges.Length + 1);
        foreach (var r in _ranges)
        {
            if (range.To < r.From || range.From > r.To) { result.Add(r); continue; }
            if (range.From > r.From) result.Add(new PortRange(r.From, range.From - 1));
            if (range.To < r.To) result.Add(new PortRange(range.To + 1, r.To));
        }
        return result.Count == 0 ? Empty : new PortSet(result.ToArray());
    }

    public PortSet Subtract(PortSet other)
    {
        if (ReferenceEquals(this, other)) return Empty;
        var current = this;
        foreach (var r in other._ranges) current = current.Subtract(r);
        return current;
    }

    public PortSet Union(PortSet other)
    {
        if (other._ranges.Length == 0 || ReferenceEquals(this, other)) return this;
        if (_ranges.Length == 0) return other;
        var all = new PortRange[_ranges.Length + other._ranges.Length];
        _ranges.CopyTo(all, 0);
        other._ranges.CopyTo(all, _ranges.Length);
        var merged = Normalize(all);
        return merged.AsSpan().SequenceEqual(_ranges) ? this : new PortSet(merged);
    }

    private static PortRange[] Normalize(IEnumerable<PortRange> ranges)
    {
        var sorted = new List<PortRange>(ranges is ICollection<PortRange> c ? c.Count : 4);
        foreach (var r in ranges)
            if (r.From <= r.To) sorted.Add(r);
        if (sorted.Count == 0) return Array.Empty<PortRange>();
        // Stable order by start (as OrderBy was); ties merge the same way whatever their order.
        sorted.Sort(static (a, b) => a.From != b.From ? a.From.CompareTo(b.From) : a.To.CompareTo(b.To));
        var merged = new List<PortRange>(sorted.Count);
        foreach (var r in sorted)
        {
            if (merged.Count > 0 && r.From <= merged[^1].To + 1)
                merged[^1] = new PortRange(merged[^1].From, Math.Max(merged[^1].To, r.To));
            else merged.Add(r);
        }
        return merged.ToArray();
    }

    public bool Equals(PortSet? other) => other is not null && (ReferenceEquals(this, other) || _ranges.AsSpan().SequenceEqual(other._ranges));
    public override bool Equals(object? obj) => Equals(obj as PortSet);
    /// <summary>Computed once (decision-cache keys hash the packet's port set on every check); 0 = not yet computed.</summary>
    public override int GetHashCode()
    {
        // A race only computes the same value twice: an int write is atomic.
        if (_hash != 0) return _hash;
        var hash = new HashCode();
        foreach (var r in _ranges) hash.Add(r);
        return _hash = hash.ToHashCode();
    }

    /// <summary>"443", "32768-60999", "0-1023,32768-60999" or "none"; computed once (hop rows print it many times).</summary>
    public override string ToString() => _text ??= Format(_ranges);

    private static string Format(PortRange[] ranges)
    {
        if (ranges.Length == 0) return "none";
        if (ranges.Length == 1) return ranges[0].ToString();
        var sb = new StringBuilder();
        for (int i = 0; i < ranges.Length; i++)
        {
            if (i > 0) sb.Append(',');
            sb.Append(ranges[i].ToString());
        }
        return sb.ToString();
    }
}
