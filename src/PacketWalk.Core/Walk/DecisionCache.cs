using System.Collections.Concurrent;
using PacketWalk.Core.Model;
using PacketWalk.Core.Net;
using PacketWalk.Core.Snapshot;

namespace PacketWalk.Core.Walk;

/// <summary>
/// NACL and security-group decisions remembered per (resource, header class) for one walker over one model, so an
/// all-pairs matrix evaluates each rule set once per class of headers rather than once per walk.
/// </summary>
/// <remarks>
/// <para>Soundness: the key holds everything the direct evaluator reads, so every header of a class is one it cannot tell
/// apart, and a cached decision is the very decision (deciding rule, matched rules, allowed and denied port sets) a direct
/// evaluation would return. Classes may be finer than necessary (two intervals can lie in the same prefixes), never coarser.</para>
/// <list type="bullet">
/// <item>NACL (<see cref="NaclEvaluator.Evaluate"/>): the ACL (by identity), the direction, the peer's elementary interval
/// over that direction's entry CIDRs (which also tells IPv4 from IPv6), the protocol, the destination port set, the ICMP
/// type and code. The evaluator reads the peer only through "entry CIDR contains peer" and its family.</item>
/// <item>Security groups (<see cref="SecurityGroupEvaluator.Evaluate"/>): the interface's group ids in order (the decision
/// lists them and its rules in that order), the direction, the peer's elementary interval over every rule CIDR and every
/// CIDR of every prefix list the rules name, which of the referenced groups the peer is a member of (R-SG-9's test:
/// an interface among the peer interfaces carries the group and owns the peer as a private or IPv6 address), whether
/// references are preserved on the path, the protocol, the port set, the ICMP type and code. Group sets with a group,
/// a prefix list or a referenced group missing from the model are never cached: their "unresolved" explanations name
/// the interface and the peer address.</item>
/// </list>
/// <para>Storage: one instance per walker (and its walk-on twin), never static, so an edited model (<c>model.With</c>)
/// gets a new walker and an empty cache. Classifiers and decisions are immutable once published through
/// <see cref="ConcurrentDictionary{TKey,TValue}"/>, and list fields are copied to arrays before they are shared. At most
/// <see cref="Capacity"/> decisions are stored; past that, misses are evaluated and not kept.</para>
/// </remarks>
internal sealed class DecisionCache
{
    /// <summary>About 250 bytes per decision with its key: the default keeps the cache under ~25 MiB.</summary>
    public const int DefaultCapacity = 100_000;

    private readonly NetworkModel _model;
    private readonly SecurityGroupEvaluator _groups;
    private readonly ConcurrentDictionary<NetworkAcl, NaclClasses> _naclClasses = new(ReferenceEqualityComparer.Instance);
    private readonly ConcurrentDictionary<NetworkInterface, GroupSetClasses> _inboundByInterface = new(ReferenceEqualityComparer.Instance);
    private readonly ConcurrentDictionary<NetworkInterface, GroupSetClasses> _outboundByInterface = new(ReferenceEqualityComparer.Instance);
    private readonly ConcurrentDictionary<string[], GroupSetClasses> _inboundGroupSets = new(OrderedIds.Comparer);
    private readonly ConcurrentDictionary<string[], GroupSetClasses> _outboundGroupSets = new(OrderedIds.Comparer);
    private readonly ConcurrentDictionary<NaclKey, NaclDecision> _nacl = new();
    private readonly ConcurrentDictionary<GroupKey, SecurityGroupDecision> _sg = new();
    private int _stored;
    // Only misses (rare) are counted: a counter bumped on every hit would be one cache line written by every core on
    // every check of every walk.
    private long _misses;

    public DecisionCache(NetworkModel model, int capacity = DefaultCapacity)
    {
        _model = model;
        _groups = new SecurityGroupEvaluator(model);
        Capacity = capacity;
    }

    public int Capacity { get; }
    /// <summary>The model every cached decision was evaluated over.</summary>
    public NetworkModel Model => _model;
    /// <summary>Decisions stored (NACL and security group together).</summary>
    public int Stored => Volatile.Read(ref _stored);
    /// <summary>Decisions evaluated directly: not yet cached, past the cap, or not cacheable (every other request was a hit).</summary>
    public long Misses => Interlocked.Read(ref _misses);

    public NaclDecision Nacl(NetworkAcl acl, RuleDirection direction, IpAddress peer, int protocol, PortSet destinationPorts, int? icmpType, int? icmpCode)
    {
        var classes = _naclClasses.GetOrAdd(acl, static a => new NaclClasses(a));
        var intervals = direction == RuleDirection.Outbound ? classes.Outbound : classes.Inbound;
        var key = new NaclKey(classes, direction, intervals.IntervalOf(peer), protocol, destinationPorts, icmpType, icmpCode);
        if (_nacl.TryGetValue(key, out var cached)) return cached;
        Interlocked.Increment(ref _misses);
        var decision = NaclEvaluator.Evaluate(acl, direction, peer, protocol, destinationPorts, icmpType, icmpCode);
        if (!Reserve()) return decision;
        var shared = decision with { Matches = decision.Matches.ToArray() };
        if (!_nacl.TryAdd(key, shared)) Release();   // another thread stored the same class first: its answer is the same
        return shared;
    }

    /// <param name="peer">Destination address for egress, source address for ingress.</param>
    /// <param name="peerEnis">The interfaces that own the peer address, for group references; empty when unknown.</param>
    public SecurityGroupDecision SecurityGroups(NetworkInterface eni, RuleDirection direction, IpAddress peer, IReadOnlyList<NetworkInterface> peerEnis,
        bool referencesPreserved, int protocol, PortSet destinationPorts, int? icmpType, int? icmpCode)
    {
        var byInterface = direction == RuleDirection.Inbound ? _inboundByInterface : _outboundByInterface;
        if (!byInterface.TryGetValue(eni, out var classes))
            classes = byInterface.GetOrAdd(eni, ClassesFor(eni, direction));
        if (classes.Intervals is not { } intervals)
        {
            Interlocked.Increment(ref _misses);
            return _groups.Evaluate(eni, direction, peer, peerEnis, referencesPreserved, protocol, destinationPorts, icmpType, icmpCode);
        }
        var key = new GroupKey(classes, intervals.IntervalOf(peer), classes.MembershipOf(peer, peerEnis), referencesPreserved,
            protocol, destinationPorts, icmpType, icmpCode);
        if (_sg.TryGetValue(key, out var cached)) return cached;
        Interlocked.Increment(ref _misses);
        var decision = _groups.Evaluate(eni, direction, peer, peerEnis, referencesPreserved, protocol, destinationPorts, icmpType, icmpCode);
        if (!Reserve()) return decision;
        var shared = decision with
        {
            MatchingRules = decision.MatchingRules.ToArray(), GroupIds = decision.GroupIds.ToArray(),
            ReferenceRulesNotApplied = decision.ReferenceRulesNotApplied.ToArray(), MissingGroupIds = decision.MissingGroupIds.ToArray(),
            UnresolvedRules = decision.UnresolvedRules.ToArray(),
        };
        if (!_sg.TryAdd(key, shared)) Release();
        return shared;
    }

    private bool Reserve()
    {
        if (Interlocked.Increment(ref _stored) <= Capacity) return true;
        Interlocked.Decrement(ref _stored);
        return false;
    }

    private void Release() => Interlocked.Decrement(ref _stored);

    /// <summary>The classes of the interface's group set: shared by every interface with the same groups in the same order.</summary>
    private GroupSetClasses ClassesFor(NetworkInterface eni, RuleDirection direction)
    {
        var sets = direction == RuleDirection.Inbound ? _inboundGroupSets : _outboundGroupSets;
        return sets.GetOrAdd(eni.GroupIds.ToArray(), ids => GroupSetClasses.Build(_model, ids, direction));
    }

    /// <summary>Group id lists equal when they hold the same ids in the same order (ordinal).</summary>
    private sealed class OrderedIds : IEqualityComparer<string[]>
    {
        public static readonly OrderedIds Comparer = new();
        public bool Equals(string[]? x, string[]? y) => x is not null && y is not null && x.AsSpan().SequenceEqual(y);
        public int GetHashCode(string[] ids)
        {
            var hash = new HashCode();
            foreach (var id in ids) hash.Add(id, StringComparer.Ordinal);
            return hash.ToHashCode();
        }
    }

    /// <summary>One ACL's elementary intervals per direction (entries of the other direction never decide).</summary>
    private sealed class NaclClasses
    {
        public NaclClasses(NetworkAcl acl)
        {
            Inbound = AddressIntervals.Of(acl.Entries.Where(e => !e.Egress).Select(e => e.Cidr));
            Outbound = AddressIntervals.Of(acl.Entries.Where(e => e.Egress).Select(e => e.Cidr));
        }

        public AddressIntervals Inbound { get; }
        public AddressIntervals Outbound { get; }
    }

    /// <summary>A group set in one direction: the intervals over its rules' addresses and the groups its rules reference.</summary>
    private sealed class GroupSetClasses
    {
        /// <summary>Membership of the referenced groups is one bit each in a 64-bit mask.</summary>
        private const int MaxReferencedGroups = 64;

        /// <summary>Null when decisions for this set must not be cached (see <see cref="Build"/>).</summary>
        public AddressIntervals? Intervals { get; private init; }
        private string[] _referencedGroups = Array.Empty<string>();

        /// <summary>
        /// Not cacheable when a group, a prefix list or a referenced group is missing: the evaluator then explains
        /// with the interface id and the peer address (UNKNOWN_RESOURCE, UNKNOWN_PEERED_SGS, R-PCX-6), which no class holds.
        /// </summary>
        public static GroupSetClasses Build(NetworkModel model, IReadOnlyList<string> groupIds, RuleDirection direction)
        {
            var prefixes = new List<Cidr>();
            var referenced = new List<string>();
            foreach (var groupId in groupIds)
            {
                if (!model.SecurityGroups.TryGetValue(groupId, out var group)) return new GroupSetClasses();
                foreach (var rule in direction == RuleDirection.Inbound ? group.IngressRules : group.EgressRules)
                {
                    if (rule.Cidr is { } cidr) prefixes.Add(cidr);
                    if (rule.PrefixListId is { } listId)
                    {
                        if (!model.PrefixLists.TryGetValue(listId, out var list)) return new GroupSetClasses();
                        prefixes.AddRange(list.Cidrs);
                    }
                    if (rule.ReferencedGroupId is { } referencedId)
                    {
                        if (!model.SecurityGroups.ContainsKey(referencedId)) return new GroupSetClasses();
                        if (!referenced.Contains(referencedId, StringComparer.Ordinal)) referenced.Add(referencedId);
                    }
                }
            }
            if (referenced.Count > MaxReferencedGroups) return new GroupSetClasses();
            return new GroupSetClasses { Intervals = AddressIntervals.Of(prefixes), _referencedGroups = referenced.ToArray() };
        }

        /// <summary>Bit i: the peer is a member of referenced group i, by the same test the evaluator applies (R-SG-9).</summary>
        public ulong MembershipOf(IpAddress peer, IReadOnlyList<NetworkInterface> peerEnis)
        {
            if (_referencedGroups.Length == 0 || peerEnis.Count == 0) return 0;
            ulong mask = 0;
            foreach (var eni in peerEnis)
            {
                if (!eni.PrivateIps.Contains(peer) && !eni.Ipv6Addresses.Contains(peer)) continue;
                for (int i = 0; i < _referencedGroups.Length; i++)
                    if (eni.GroupIds.Contains(_referencedGroups[i])) mask |= 1UL << i;
            }
            return mask;
        }
    }

    // The classes objects compare by identity (no Equals override); PortSet compares by value.
    private readonly record struct NaclKey(NaclClasses Acl, RuleDirection Direction, int Interval, int Protocol, PortSet Ports, int? IcmpType, int? IcmpCode);

    private readonly record struct GroupKey(GroupSetClasses GroupSet, int Interval, ulong Membership, bool ReferencesPreserved,
        int Protocol, PortSet Ports, int? IcmpType, int? IcmpCode);
}
