using System.Collections.Concurrent;
using PacketWalk.Core.Model;
using PacketWalk.Core.Net;
using PacketWalk.Core.Walk;

namespace PacketWalk.Core.Snapshot;

// Address lookups over the estate: prefix tries built on first use (per route table, per TGW route table, one for
// VPCs and one for subnets), so loading stays cheap and a walk's route lookups cost O(address bits) whatever the
// estate's size. Building is thread-safe: racing builders produce equal tries and one of them is kept; the tries
// themselves are immutable apart from answers they publish atomically.
public sealed partial class NetworkModel
{
    private readonly ConcurrentDictionary<RouteTable, PrefixTrie<Route, RouteLookup>> _routeIndexes = new(ReferenceEqualityComparer.Instance);
    private readonly ConcurrentDictionary<string, PrefixTrie<RouteIndexes.TgwCandidate, TgwRouteLookup>> _tgwRouteIndexes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<TransitGatewayVpcAttachment, IReadOnlyList<Subnet>> _attachmentSubnets = new(ReferenceEqualityComparer.Instance);
    private readonly ConcurrentDictionary<(TransitGatewayVpcAttachment Attachment, ZoneRef? Zone, bool ForDelivery), TgwAttachmentPlacement> _placements = new(PlacementKeyComparer.Instance);
    private PrefixTrie<Vpc, Vpc[]>? _vpcIndex;
    private PrefixTrie<RouteIndexes.SubnetCandidate, Subnet[]>? _subnetIndex;

    /// <summary>The route table's prefix trie (any route table object, also one not read into this model).</summary>
    internal PrefixTrie<Route, RouteLookup> RouteIndex(RouteTable table) =>
        _routeIndexes.GetOrAdd(table, static (t, model) => RouteIndexes.ForRouteTable(model, t), this);

    internal PrefixTrie<RouteIndexes.TgwCandidate, TgwRouteLookup> TgwRouteIndex(string routeTableId) =>
        _tgwRouteIndexes.GetOrAdd(routeTableId, static (id, model) => RouteIndexes.ForTgwRouteTable(model, id), this);

    /// <summary>A TGW VPC attachment's subnets, computed once per attachment by <paramref name="compute"/> (read-only, shared by walks).</summary>
    internal IReadOnlyList<Subnet> AttachmentSubnets(TransitGatewayVpcAttachment attachment, Func<NetworkModel, TransitGatewayVpcAttachment, IReadOnlyList<Subnet>> compute) =>
        _attachmentSubnets.GetOrAdd(attachment, static (a, state) => state.compute(state.model, a), (model: this, compute));

    /// <summary>A TGW attachment placement for one AZ, computed once by <paramref name="compute"/> (placements are immutable).</summary>
    internal TgwAttachmentPlacement Placement(TransitGatewayVpcAttachment attachment, ZoneRef? zone, bool forDelivery,
        Func<NetworkModel, TransitGatewayVpcAttachment, ZoneRef?, TgwAttachmentPlacement> compute) =>
        _placements.GetOrAdd((attachment, zone, forDelivery), static (key, state) => state.compute(state.model, key.Attachment, key.Zone), (model: this, compute));

    /// <summary>Attachments compare by reference (records compare by value, which is slower and not needed here).</summary>
    private sealed class PlacementKeyComparer : IEqualityComparer<(TransitGatewayVpcAttachment Attachment, ZoneRef? Zone, bool ForDelivery)>
    {
        public static readonly PlacementKeyComparer Instance = new();
        public bool Equals((TransitGatewayVpcAttachment Attachment, ZoneRef? Zone, bool ForDelivery) x, (TransitGatewayVpcAttachment Attachment, ZoneRef? Zone, bool ForDelivery) y) =>
            ReferenceEquals(x.Attachment, y.Attachment) && Nullable.Equals(x.Zone, y.Zone) && x.ForDelivery == y.ForDelivery;
        public int GetHashCode((TransitGatewayVpcAttachment Attachment, ZoneRef? Zone, bool ForDelivery) key) =>
            HashCode.Combine(System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(key.Attachment), key.Zone, key.ForDelivery);
    }

    private PrefixTrie<Vpc, Vpc[]> VpcIndex =>
        Volatile.Read(ref _vpcIndex) ?? Interlocked.CompareExchange(ref _vpcIndex, RouteIndexes.ForVpcs(Vpcs.Values), null) ?? _vpcIndex!;

    private PrefixTrie<RouteIndexes.SubnetCandidate, Subnet[]> SubnetIndex =>
        Volatile.Read(ref _subnetIndex) ?? Interlocked.CompareExchange(ref _subnetIndex, RouteIndexes.ForSubnets(Subnets.Values), null) ?? _subnetIndex!;

    /// <summary>The VPC (lowest id first when CIDRs overlap across accounts) whose CIDRs contain the address.</summary>
    public Vpc? VpcContaining(IpAddress address)
    {
        if (LinearLookups) return Vpcs.Values.Where(v => v.ContainsAddress(address)).OrderBy(v => v.VpcId, StringComparer.Ordinal).FirstOrDefault();
        var vpcs = VpcIndex.Lookup(address);
        return vpcs.Length > 0 ? vpcs[0] : null;
    }

    /// <summary>Every VPC whose CIDRs contain the address, ordered by id.</summary>
    public IEnumerable<Vpc> VpcsContaining(IpAddress address) =>
        LinearLookups ? Vpcs.Values.Where(v => v.ContainsAddress(address)).OrderBy(v => v.VpcId, StringComparer.Ordinal) : VpcIndex.Lookup(address);

    /// <summary>The subnet of <paramref name="vpcId"/> whose IPv4 or IPv6 CIDR contains the address.</summary>
    public Subnet? SubnetContaining(string vpcId, IpAddress address)
    {
        if (LinearLookups)
            return Subnets.Values.FirstOrDefault(s => s.VpcId == vpcId && ((s.CidrBlock is { } c && c.Contains(address)) || s.Ipv6CidrBlocks.Any(x => x.Contains(address))));
        foreach (var subnet in SubnetIndex.Lookup(address))
            if (subnet.VpcId == vpcId) return subnet;
        return null;
    }
}
