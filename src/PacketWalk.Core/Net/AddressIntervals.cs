namespace PacketWalk.Core.Net;

/// <summary>
/// The elementary intervals of a set of prefixes: each address family cut at every prefix's first address and at the
/// address after its last, so that two addresses in the same interval lie in exactly the same prefixes of the set
/// (membership in a prefix can change only at those cut points). An address's interval is found by binary search over
/// the sorted cut points, O(log prefixes). Immutable once built, so any number of threads may share it.
/// </summary>
internal sealed class AddressIntervals
{
    private readonly uint[] _v4Cuts;
    private readonly UInt128[] _v6Cuts;

    private AddressIntervals(uint[] v4Cuts, UInt128[] v6Cuts)
    {
        _v4Cuts = v4Cuts;
        _v6Cuts = v6Cuts;
    }

    /// <summary>How many intervals the two families hold together (interval numbers run 0 to Count-1).</summary>
    public int Count => _v4Cuts.Length + 1 + _v6Cuts.Length + 1;

    public static AddressIntervals Of(IEnumerable<Cidr> prefixes)
    {
        var v4 = new List<uint>();
        var v6 = new List<UInt128>();
        foreach (var prefix in prefixes)
        {
            // A /0 covers its whole family: it cuts nothing (and its size, 2^bits, does not fit the arithmetic below).
            if (prefix.PrefixLength == 0) continue;
            UInt128 size = UInt128.One << (prefix.Bits - prefix.PrefixLength);
            UInt128 next = prefix.Network + size;   // the first address after the prefix
            if (prefix.IsV6)
            {
                v6.Add(prefix.Network);
                if (next != UInt128.Zero) v6.Add(next);   // zero: the prefix ends at the last IPv6 address (the sum wrapped)
            }
            else
            {
                v4.Add((uint)prefix.Network);
                if (next <= uint.MaxValue) v4.Add((uint)next);
            }
        }
        return new AddressIntervals(SortedCuts(v4), SortedCuts(v6));
    }

    /// <summary>
    /// Sorted and without duplicates. Cut point 0 is left out: it would only make an empty interval before it, and
    /// leaving it out keeps the numbering dense.
    /// </summary>
    private static T[] SortedCuts<T>(List<T> cuts) where T : IComparable<T>
    {
        cuts.Sort();
        var distinct = new List<T>(cuts.Count);
        foreach (var cut in cuts)
            if (cut.CompareTo(default!) != 0 && (distinct.Count == 0 || distinct[^1].CompareTo(cut) != 0)) distinct.Add(cut);
        return distinct.ToArray();
    }

    /// <summary>
    /// The number of the interval holding <paramref name="address"/>: IPv4 intervals come first, then IPv6, so the
    /// number also tells the family apart.
    /// </summary>
    public int IntervalOf(IpAddress address)
    {
        if (address.IsV6) return _v4Cuts.Length + 1 + CutsAtOrBelow(_v6Cuts, address.Value);
        return CutsAtOrBelow(_v4Cuts, (uint)address.Value);
    }

    private static int CutsAtOrBelow<T>(T[] cuts, T value) where T : IComparable<T>
    {
        int index = Array.BinarySearch(cuts, value);
        return index >= 0 ? index + 1 : ~index;
    }
}
