namespace PacketWalk.Core.Net;

/// <summary>A prefix that contains the looked-up address, with the entries stored under it (in insertion order).</summary>
internal readonly record struct PrefixMatch<TEntry>(Cidr Prefix, IReadOnlyList<TEntry> Entries);

/// <summary>
/// Longest-prefix match over IPv4 and IPv6 prefixes (families apart): a binary trie in flat arrays, so a lookup
/// costs at most one step per address bit whatever the number of prefixes. Each stored prefix has an answer that
/// depends only on the prefixes containing it (its ancestors and itself, shortest first); answers are computed on
/// first use and published with a compare-and-swap, so one trie serves any number of concurrent readers and an
/// answer computed twice by racing threads is the same immutable value.
/// </summary>
internal sealed class PrefixTrie<TEntry, TAnswer> where TAnswer : class
{
    private const int V4Root = 0, V6Root = 1, NoSlot = -1;

    private readonly int[] _children;     // node * 2 + bit -> child node, 0 = none (node 0 is a root, never a child)
    private readonly int[] _slots;        // node -> index of the prefix stored there, or NoSlot
    private readonly Cidr[] _prefixes;    // slot -> prefix
    private readonly TEntry[][] _entries; // slot -> entries in insertion order
    private readonly TAnswer?[] _answers; // slot -> answer, filled on first use
    private readonly Func<IReadOnlyList<PrefixMatch<TEntry>>, TAnswer> _answer;

    private PrefixTrie(int[] children, int[] slots, Cidr[] prefixes, TEntry[][] entries, Func<IReadOnlyList<PrefixMatch<TEntry>>, TAnswer> answer, TAnswer noMatch)
    {
        _children = children;
        _slots = slots;
        _prefixes = prefixes;
        _entries = entries;
        _answers = new TAnswer?[prefixes.Length];
        _answer = answer;
        NoMatch = noMatch;
    }

    /// <summary>The answer for addresses that no stored prefix contains.</summary>
    public TAnswer NoMatch { get; }

    public int PrefixCount => _prefixes.Length;

    /// <summary>The answer of the longest stored prefix containing <paramref name="address"/>, else <see cref="NoMatch"/>.</summary>
    public TAnswer Lookup(IpAddress address)
    {
        int slot = DeepestSlot(address, stopAtSlot: NoSlot, chain: null);
        if (slot == NoSlot) return NoMatch;
        return Volatile.Read(ref _answers[slot]) ?? Publish(slot, address);
    }

    private TAnswer Publish(int slot, IpAddress address)
    {
        var chain = new List<PrefixMatch<TEntry>>();
        DeepestSlot(address, slot, chain);
        var answer = _answer(chain);
        return Interlocked.CompareExchange(ref _answers[slot], answer, null) ?? answer;
    }

    /// <summary>Walks the address's bits from the root; returns the slot of the deepest stored prefix on the way.</summary>
    private int DeepestSlot(IpAddress address, int stopAtSlot, List<PrefixMatch<TEntry>>? chain)
    {
        int node = address.IsV6 ? V6Root : V4Root;
        int best = _slots[node];
        if (best != NoSlot && chain is not null) chain.Add(new PrefixMatch<TEntry>(_prefixes[best], _entries[best]));
        if (best != NoSlot && best == stopAtSlot) return best;
        if (address.IsV6)
        {
            var value = address.Value;
            for (int bit = 127; bit >= 0; bit--)
            {
                node = _children[node * 2 + (int)((value >> bit) & UInt128.One)];
                if (node == 0) break;
                int s = _slots[node];
                if (s == NoSlot) continue;
                best = s;
                if (chain is not null) chain.Add(new PrefixMatch<TEntry>(_prefixes[s], _entries[s]));
                if (s == stopAtSlot) break;
            }
        }
        else
        {
            uint value = (uint)address.Value;
            for (int bit = 31; bit >= 0; bit--)
            {
                node = _children[node * 2 + (int)((value >> bit) & 1u)];
                if (node == 0) break;
                int s = _slots[node];
                if (s == NoSlot) continue;
                best = s;
                if (chain is not null) chain.Add(new PrefixMatch<TEntry>(_prefixes[s], _entries[s]));
                if (s == stopAtSlot) break;
            }
        }
        return best;
    }

    /// <summary>Collects prefixes and entries; <see cref="Build"/> freezes them into a trie.</summary>
    public sealed class Builder
    {
        private readonly List<int> _children = new() { 0, 0, 0, 0 };   // the two roots
        private readonly List<int> _slots = new() { NoSlot, NoSlot };
        private readonly List<Cidr> _prefixes = new();
        private readonly List<List<TEntry>> _entries = new();

        public int Count => _prefixes.Count;

        public void Add(Cidr prefix, TEntry entry)
        {
            int node = prefix.IsV6 ? V6Root : V4Root;
            int bits = prefix.Bits;
            for (int depth = 0; depth < prefix.PrefixLength; depth++)
            {
                int bit = (int)((prefix.Network >> (bits - 1 - depth)) & UInt128.One);
                int child = _children[node * 2 + bit];
                if (child == 0)
                {
                    child = _slots.Count;
                    _slots.Add(NoSlot);
                    _children.Add(0);
                    _children.Add(0);
                    _children[node * 2 + bit] = child;
                }
                node = child;
            }
            int slot = _slots[node];
            if (slot == NoSlot)
            {
                slot = _prefixes.Count;
                _slots[node] = slot;
                _prefixes.Add(prefix);
                _entries.Add(new List<TEntry>(1));
            }
            _entries[slot].Add(entry);
        }

        /// <param name="answer">Given the stored prefixes that contain an address, shortest first, the answer for it.</param>
        public PrefixTrie<TEntry, TAnswer> Build(Func<IReadOnlyList<PrefixMatch<TEntry>>, TAnswer> answer, TAnswer noMatch) =>
            new(_children.ToArray(), _slots.ToArray(), _prefixes.ToArray(), _entries.Select(e => e.ToArray()).ToArray(), answer, noMatch);
    }
}
