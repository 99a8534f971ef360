using System.Collections.Frozen;
using System.Collections.ObjectModel;
using PacketWalk.Core.Model;
using PacketWalk.Core.Net;

namespace PacketWalk.Core.Snapshot;

/// <summary>
/// The estate: every resource indexed by its AWS id, plus the lookups that encode AWS semantics
/// (route table and NACL of a subnet, ENIs by address, TGW attachment ENIs per AZ). Immutable once built,
/// so one model serves any number of concurrent walks.
/// </summary>
public sealed partial class NetworkModel
{
    internal NetworkModel(NetworkModelBuilder b)
    {
        var interfaceIndexes = Task.Run(() => InterfaceIndexes.Build(b.NetworkInterfaces));
        LinearLookups = b.LinearLookups;
        _source = b.Copy();
        Vpcs = b.Vpcs.ToDictionary(v => v.VpcId, StringComparer.Ordinal).AsReadOnly();
        Subnets = b.Subnets.ToDictionary(s => s.SubnetId, StringComparer.Ordinal).AsReadOnly();
        Instances = b.Instances.ToDictionary(i => i.InstanceId, StringComparer.Ordinal).AsReadOnly();
        NetworkInterfaces = b.NetworkInterfaces.ToDictionary(e => e.NetworkInterfaceId, StringComparer.Ordinal).AsReadOnly();
        SecurityGroups = b.SecurityGroups.ToDictionary(g => g.GroupId, StringComparer.Ordinal).AsReadOnly();
        NetworkAcls = b.NetworkAcls.ToDictionary(a => a.NetworkAclId, StringComparer.Ordinal).AsReadOnly();
        RouteTables = b.RouteTables.ToDictionary(r => r.RouteTableId, StringComparer.Ordinal).AsReadOnly();
        PrefixLists = b.PrefixLists.ToDictionary(p => p.PrefixListId, StringComparer.Ordinal).AsReadOnly();
        TransitGateways = b.TransitGateways.ToDictionary(t => t.TransitGatewayId, StringComparer.Ordinal).AsReadOnly();
        // A peering attachment has one id and two sides, each with its own TGW and route-table association (R-TGW-18):
        // the id lookup keeps the first side read, the (TGW, id) lookup keeps each side.
        TransitGatewayAttachments = b.TransitGatewayAttachments.GroupBy(a => a.TransitGatewayAttachmentId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal).AsReadOnly();
        _attachmentSides = b.TransitGatewayAttachments.ToDictionary(a => (a.TransitGatewayId, a.TransitGatewayAttachmentId));
        TransitGatewayPeeringAttachments = b.TransitGatewayPeeringAttachments.ToDictionary(a => a.TransitGatewayAttachmentId, StringComparer.Ordinal).AsReadOnly();
        VpnConnections = b.VpnConnections.ToDictionary(v => v.VpnConnectionId, StringComparer.Ordinal).AsReadOnly();
        VpnGateways = b.VpnGateways.ToDictionary(v => v.VpnGatewayId, StringComparer.Ordinal).AsReadOnly();
        TransitGatewayVpcAttachments = b.TransitGatewayVpcAttachments.ToDictionary(a => a.TransitGatewayAttachmentId, StringComparer.Ordinal).AsReadOnly();
        TransitGatewayRouteTables = b.TransitGatewayRouteTables.ToDictionary(t => t.TransitGatewayRouteTableId, StringComparer.Ordinal).AsReadOnly();
        VpcPeeringConnections = b.VpcPeeringConnections.ToDictionary(p => p.VpcPeeringConnectionId, StringComparer.Ordinal).AsReadOnly();
        InternetGateways = b.InternetGateways.ToDictionary(g => g.InternetGatewayId, StringComparer.Ordinal).AsReadOnly();
        EgressOnlyInternetGateways = b.EgressOnlyInternetGateways.ToDictionary(g => g.EgressOnlyInternetGatewayId, StringComparer.Ordinal).AsReadOnly();
        NatGateways = b.NatGateways.ToDictionary(n => n.NatGatewayId, StringComparer.Ordinal).AsReadOnly();
        VpcEndpoints = b.VpcEndpoints.ToDictionary(e => e.VpcEndpointId, StringComparer.Ordinal).AsReadOnly();
        ElasticIps = b.ElasticIps.ToList();
        TransitGatewayRoutes = b.TransitGatewayRoutes.GroupBy(r => r.TransitGatewayRouteTableId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<TransitGatewayRoute>)g.ToList(), StringComparer.Ordinal).AsReadOnly();
        TransitGatewayPropagations = b.TransitGatewayPropagations.GroupBy(p => p.TransitGatewayRouteTableId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<TransitGatewayPropagation>)g.ToList(), StringComparer.Ordinal).AsReadOnly();
        TransitGatewayPolicyTables = b.TransitGatewayPolicyTables.ToDictionary(t => t.TransitGatewayPolicyTableId, StringComparer.Ordinal).AsReadOnly();
        // R-TGW-23: rules are evaluated by ascending rule number, whatever order the API listed them in.
        TransitGatewayPolicyTableEntries = b.TransitGatewayPolicyTableEntries.GroupBy(e => e.TransitGatewayPolicyTableId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<TransitGatewayPolicyTableEntry>)g.OrderBy(e => e.PolicyRuleNumber).ToList(), StringComparer.Ordinal).AsReadOnly();
        _policyTablesWithEntries = b.TransitGatewayPolicyTablesWithEntries.Concat(TransitGatewayPolicyTableEntries.Keys).ToFrozenSet(StringComparer.Ordinal);
        TransitGatewayPolicyTableAssociations = b.TransitGatewayPolicyTableAssociations.ToList();
        _policyAssociationsByAttachment = TransitGatewayPolicyTableAssociations.Where(a => !a.IsDisassociated)
            .GroupBy(a => a.TransitGatewayAttachmentId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<TransitGatewayPolicyTableAssociation>)g.ToList(), StringComparer.Ordinal);
        VpcBlockPublicAccessOptions = b.VpcBlockPublicAccessOptions.ToList();
        VpcBlockPublicAccessExclusions = b.VpcBlockPublicAccessExclusions.ToDictionary(e => e.ExclusionId, StringComparer.Ordinal).AsReadOnly();
        Warnings = b.Warnings.ToList();
        SourceDescription = b.SourceDescription;
        Unreadable = b.Unreadable.ToList();
        TransitGatewayRouteTablesWithRoutesListed = b.TransitGatewayRouteTablesWithRoutesListed.ToFrozenSet(StringComparer.Ordinal);
        TransitGatewayRouteTablesWithPropagationsListed = b.TransitGatewayRouteTablesWithPropagationsListed.ToFrozenSet(StringComparer.Ordinal);
        _zoneIdByName = ZoneIdsByName(Subnets.Values, NatGateways.Values, Vpcs);

        // Indexes.
        var rtBySubnet = new Dictionary<string, RouteTable>(StringComparer.Ordinal);
        var mainRt = new Dictionary<string, RouteTable>(StringComparer.Ordinal);
        var rtByGateway = new Dictionary<string, RouteTable>(StringComparer.Ordinal);
        foreach (var rt in RouteTables.Values.OrderBy(r => r.RouteTableId, StringComparer.Ordinal))
            foreach (var a in rt.Associations)
            {
                if (a.Main) mainRt.TryAdd(rt.VpcId, rt);
                if (a.SubnetId is not null) rtBySubnet.TryAdd(a.SubnetId, rt);
                if (a.GatewayId is not null) rtByGateway.TryAdd(a.GatewayId, rt);
            }
        _routeTableBySubnet = rtBySubnet;
        _mainRouteTableByVpc = mainRt;
        _routeTableByGateway = rtByGateway;

        var aclBySubnet = new Dictionary<string, NetworkAcl>(StringComparer.Ordinal);
        var defaultAcl = new Dictionary<string, NetworkAcl>(StringComparer.Ordinal);
        foreach (var acl in NetworkAcls.Values.OrderBy(a => a.NetworkAclId, StringComparer.Ordinal))
        {
            if (acl.IsDefault) defaultAcl.TryAdd(acl.VpcId, acl);
            foreach (var s in acl.AssociatedSubnetIds) aclBySubnet.TryAdd(s, acl);
        }
        _aclBySubnet = aclBySubnet;
        _defaultAclByVpc = defaultAcl;

        _vpcAttachmentsByVpc = TransitGatewayVpcAttachments.Values
            .GroupBy(a => a.VpcId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<TransitGatewayVpcAttachment>)g.OrderBy(a => a.TransitGatewayAttachmentId, StringComparer.Ordinal).ToList(), StringComparer.Ordinal);

        var eniIndexes = interfaceIndexes.GetAwaiter().GetResult();
        _enisByAddress = eniIndexes.ByAddress;
        _enisByGroup = eniIndexes.ByGroup;
        _enisBySubnet = eniIndexes.BySubnet;
        _eniByInstance = eniIndexes.ByInstance;
        _tgwEniByAttachmentSubnet = eniIndexes.TransitGatewayEniByAttachmentSubnet;
    }

    /// <summary>The lookups over every ENI: the largest part of building a model, so built beside the others.</summary>
    private sealed record InterfaceIndexes(
        Dictionary<IpAddress, IReadOnlyList<NetworkInterface>> ByAddress,
        Dictionary<string, IReadOnlyList<NetworkInterface>> ByGroup,
        Dictionary<string, IReadOnlyList<NetworkInterface>> BySubnet,
        Dictionary<string, IReadOnlyList<NetworkInterface>> ByInstance,
        Dictionary<(string, string), NetworkInterface> TransitGatewayEniByAttachmentSubnet)
    {
        /// <param name="interfaces">The ENIs, each id once.</param>
        public static InterfaceIndexes Build(IReadOnlyCollection<NetworkInterface> interfaces)
        {
            var byAddress = new Dictionary<IpAddress, List<NetworkInterface>>();
            var byGroup = new Dictionary<string, List<NetworkInterface>>(StringComparer.Ordinal);
            var bySubnet = new Dictionary<string, List<NetworkInterface>>(StringComparer.Ordinal);
            var tgwEni = new Dictionary<(string, string), NetworkInterface>();
            // In id order, so every list (and the first ENI of an attachment subnet) is the same whatever order files came in.
            var enisById = interfaces.OrderBy(e => e.NetworkInterfaceId, StringComparer.Ordinal).ToArray();
            foreach (var eni in enisById)
            {
                foreach (var ip in eni.PrivateIps) AddOnce(byAddress, ip, eni);
                foreach (var ip in eni.Ipv6Addresses) AddOnce(byAddress, ip, eni);
                foreach (var g in eni.GroupIds) Add(byGroup, g, eni);
                Add(bySubnet, eni.SubnetId, eni);
                if (eni.TransitGatewayAttachmentId is { } attachmentId) tgwEni.TryAdd((attachmentId, eni.SubnetId), eni);
            }
            var byInstance = enisById.Where(e => e.InstanceId is not null)
                .GroupBy(e => e.InstanceId!, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => (IReadOnlyList<NetworkInterface>)g.OrderBy(e => e.DeviceIndex ?? int.MaxValue).ThenBy(e => e.NetworkInterfaceId, StringComparer.Ordinal).ToList(), StringComparer.Ordinal);
            return new(ReadOnlyLists(byAddress), ReadOnlyLists(byGroup), ReadOnlyLists(bySubnet), byInstance, tgwEni);
        }

        private static void AddOnce(Dictionary<IpAddress, List<NetworkInterface>> map, IpAddress ip, NetworkInterface eni)
        {
            if (!map.TryGetValue(ip, out var owners) || !ReferenceEquals(owners[^1], eni)) Add(map, ip, eni); // once per ENI
        }

        private static void Add<TKey>(Dictionary<TKey, List<NetworkInterface>> map, TKey key, NetworkInterface eni) where TKey : notnull
        {
            if (!map.TryGetValue(key, out var list)) map[key] = list = new List<NetworkInterface>();
            list.Add(eni);
        }

        private static Dictionary<TKey, IReadOnlyList<NetworkInterface>> ReadOnlyLists<TKey>(Dictionary<TKey, List<NetworkInterface>> map) where TKey : notnull =>
            map.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<NetworkInterface>)kv.Value, map.Comparer);
    }

    /// <summary>The resource lists this model was built from, kept so an edited copy can be built (ModelEdit).</summary>
    private readonly NetworkModelBuilder _source;

    /// <summary>A builder holding every resource of this model; edit it and Build() a new model. This model is not changed.</summary>
    public NetworkModelBuilder ToBuilder() => _source.Copy();

    public string SourceDescription { get; }
    public IReadOnlyList<SnapshotWarning> Warnings { get; }

    /// <summary>
    /// The benchmark's baseline: route, VPC and subnet lookups scan every entry instead of using the prefix tries.
    /// Same answers, different data structure, so the gain can be measured side by side in one run.
    /// </summary>
    internal bool LinearLookups { get; }

    /// <summary>TGW route tables whose static routes were listed, even as an empty list (so "no routes" is known, not missing).</summary>
    public FrozenSet<string> TransitGatewayRouteTablesWithRoutesListed { get; }
    /// <summary>TGW route tables whose propagations were listed, even as an empty list.</summary>
    public FrozenSet<string> TransitGatewayRouteTablesWithPropagationsListed { get; }

    /// <summary>Resource kinds the source could not read (a live call was denied). Empty for snapshots read from files.</summary>
    public IReadOnlyList<UnreadableResource> Unreadable { get; }

    /// <summary>
    /// Why <paramref name="kind"/> (one of <see cref="ResourceKinds"/>) is missing, when a read of it was refused — for all
    /// resources of the kind, or for the one named by <paramref name="resourceId"/> (per-table calls). Null when it was read.
    /// </summary>
    public UnreadableResource? WhyUnreadable(string kind, string? resourceId = null)
    {
        foreach (var u in Unreadable)
            if (string.Equals(u.Kind, kind, StringComparison.Ordinal) && (u.ResourceId is null || string.Equals(u.ResourceId, resourceId, StringComparison.Ordinal)))
                return u;
        return null;
    }

    public ReadOnlyDictionary<string, Vpc> Vpcs { get; }
    public ReadOnlyDictionary<string, Subnet> Subnets { get; }
    public ReadOnlyDictionary<string, Instance> Instances { get; }
    public ReadOnlyDictionary<string, NetworkInterface> NetworkInterfaces { get; }
    public ReadOnlyDictionary<string, SecurityGroup> SecurityGroups { get; }
    public ReadOnlyDictionary<string, NetworkAcl> NetworkAcls { get; }
    public ReadOnlyDictionary<string, RouteTable> RouteTables { get; }
    public ReadOnlyDictionary<string, PrefixList> PrefixLists { get; }
    public ReadOnlyDictionary<string, TransitGateway> TransitGateways { get; }
    public ReadOnlyDictionary<string, TransitGatewayAttachment> TransitGatewayAttachments { get; }
    public ReadOnlyDictionary<string, TransitGatewayVpcAttachment> TransitGatewayVpcAttachments { get; }
    public ReadOnlyDictionary<string, TransitGatewayPeeringAttachment> TransitGatewayPeeringAttachments { get; }
    public ReadOnlyDictionary<string, VpnConnection> VpnConnections { get; }
    public ReadOnlyDictionary<string, VpnGateway> VpnGateways { get; }
    public ReadOnlyDictionary<string, TransitGatewayRouteTable> TransitGatewayRouteTables { get; }
    public ReadOnlyDictionary<string, IReadOnlyList<TransitGatewayRoute>> TransitGatewayRoutes { get; }
    public ReadOnlyDictionary<string, IReadOnlyList<TransitGatewayPropagation>> TransitGatewayPropagations { get; }
    public ReadOnlyDictionary<string, VpcPeeringConnection> VpcPeeringConnections { get; }
    public ReadOnlyDictionary<string, InternetGateway> InternetGateways { get; }
    public ReadOnlyDictionary<string, EgressOnlyInternetGateway> EgressOnlyInternetGateways { get; }
    public ReadOnlyDictionary<string, NatGateway> NatGateways { get; }
    public ReadOnlyDictionary<string, VpcEndpoint> VpcEndpoints { get; }
    public IReadOnlyList<ElasticIpAddress> ElasticIps { get; }
    public ReadOnlyDictionary<string, TransitGatewayPolicyTable> TransitGatewayPolicyTables { get; }
    /// <summary>Policy table id -> its entries, rule number ascending.</summary>
    public ReadOnlyDictionary<string, IReadOnlyList<TransitGatewayPolicyTableEntry>> TransitGatewayPolicyTableEntries { get; }
    public IReadOnlyList<TransitGatewayPolicyTableAssociation> TransitGatewayPolicyTableAssociations { get; }
    private readonly FrozenSet<string> _policyTablesWithEntries;
    private readonly Dictionary<string, IReadOnlyList<TransitGatewayPolicyTableAssociation>> _policyAssociationsByAttachment;

    /// <summary>VPC Block Public Access settings, one per account and region read (R-BPA-1).</summary>
    public IReadOnlyList<VpcBlockPublicAccessOptions> VpcBlockPublicAccessOptions { get; }
    public ReadOnlyDictionary<string, VpcBlockPublicAccessExclusion> VpcBlockPublicAccessExclusions { get; }

    /// <summary>
    /// The Block Public Access settings that govern a VPC: those of its owner account and region; settings that name no
    /// account (or no region) match any. Null when the snapshot holds none for it.
    /// </summary>
    public VpcBlockPublicAccessOptions? BlockPublicAccessFor(string? accountId, string? region) =>
        VpcBlockPublicAccessOptions
            .Where(o => (o.AwsRegion is null || region is null || o.AwsRegion == region) && (o.AwsAccountId is null || accountId is null || o.AwsAccountId == accountId))
            .OrderBy(o => o.AwsAccountId is null ? 1 : 0).ThenBy(o => o.AwsRegion is null ? 1 : 0)
            .FirstOrDefault();

    /// <summary>The exclusions naming this VPC or this subnet, whatever their state (R-BPA-3).</summary>
    public IReadOnlyList<VpcBlockPublicAccessExclusion> BlockPublicAccessExclusionsFor(string vpcId, string? subnetId) =>
        VpcBlockPublicAccessExclusions.Values
            .Where(e => e.VpcId == vpcId || (subnetId is not null && e.SubnetId == subnetId))
            .OrderBy(e => e.SubnetId is null ? 1 : 0).ThenBy(e => e.ExclusionId, StringComparer.Ordinal).ToList();

    /// <summary>True when the snapshot lists the entries of this policy table (an empty list counts: it drops everything).</summary>
    public bool PolicyTableEntriesKnown(string policyTableId) => _policyTablesWithEntries.Contains(policyTableId);

    /// <summary>
    /// The policy-table association of an attachment as <paramref name="transitGatewayId"/> sees it (R-TGW-22), or null when
    /// the attachment is associated with none. For a peering attachment each side may have its own; an association whose
    /// policy table is not in the snapshot is taken as this TGW's. Disassociated rows are skipped.
    /// </summary>
    public TransitGatewayPolicyTableAssociation? PolicyTableAssociationOf(string transitGatewayId, string attachmentId) =>
        !_policyAssociationsByAttachment.TryGetValue(attachmentId, out var associations) ? null
        : associations
            .Where(a => !TransitGatewayPolicyTables.TryGetValue(a.TransitGatewayPolicyTableId, out var t) || t.TransitGatewayId == transitGatewayId)
            .OrderBy(a => a.IsAssociated ? 0 : 1).ThenBy(a => a.TransitGatewayPolicyTableId, StringComparer.Ordinal)
            .FirstOrDefault();

    private readonly Dictionary<IpAddress, IReadOnlyList<NetworkInterface>> _enisByAddress;
    private readonly Dictionary<string, IReadOnlyList<NetworkInterface>> _enisByGroup;
    private readonly Dictionary<string, IReadOnlyList<NetworkInterface>> _enisBySubnet;
    private readonly Dictionary<string, RouteTable> _routeTableBySubnet;
    private readonly Dictionary<string, RouteTable> _mainRouteTableByVpc;
    private readonly Dictionary<string, RouteTable> _routeTableByGateway;
    private readonly Dictionary<string, NetworkAcl> _aclBySubnet;
    private readonly Dictionary<string, NetworkAcl> _defaultAclByVpc;
    private readonly Dictionary<(string, string), NetworkInterface> _tgwEniByAttachmentSubnet;
    private readonly Dictionary<string, IReadOnlyList<TransitGatewayVpcAttachment>> _vpcAttachmentsByVpc;
    private readonly Dictionary<string, IReadOnlyList<NetworkInterface>> _eniByInstance;
    private readonly Dictionary<(string TransitGatewayId, string AttachmentId), TransitGatewayAttachment> _attachmentSides;

    private static readonly IReadOnlyList<NetworkInterface> NoEnis = Array.Empty<NetworkInterface>();

    public IReadOnlyList<NetworkInterface> NetworkInterfacesWithAddress(IpAddress address) =>
        _enisByAddress.TryGetValue(address, out var list) ? list : NoEnis;

    public IReadOnlyList<NetworkInterface> NetworkInterfacesInGroup(string groupId) =>
        _enisByGroup.TryGetValue(groupId, out var list) ? list : NoEnis;

    public IReadOnlyList<NetworkInterface> NetworkInterfacesInSubnet(string subnetId) =>
        _enisBySubnet.TryGetValue(subnetId, out var list) ? list : NoEnis;

    /// <summary>The instance's ENIs, primary (device index 0) first.</summary>
    public IReadOnlyList<NetworkInterface> NetworkInterfacesOfInstance(string instanceId) =>
        _eniByInstance.TryGetValue(instanceId, out var list) ? list : NoEnis;

    /// <summary>R-RT-1: the explicitly associated table, else the VPC's main table. Null when neither is in the snapshot.</summary>
    public RouteTable? RouteTableForSubnet(Subnet subnet, out bool isMain)
    {
        if (_routeTableBySubnet.TryGetValue(subnet.SubnetId, out var rt)) { isMain = false; return rt; }
        isMain = true;
        return _mainRouteTableByVpc.TryGetValue(subnet.VpcId, out var main) ? main : null;
    }

    /// <summary>R-RT-11: the gateway route table edge-associated with an IGW or VGW, if any.</summary>
    public RouteTable? RouteTableForGateway(string gatewayId) => _routeTableByGateway.TryGetValue(gatewayId, out var rt) ? rt : null;

    /// <summary>R-NACL-9: the explicitly associated NACL, else the VPC's default NACL.</summary>
    public NetworkAcl? NetworkAclForSubnet(Subnet subnet) =>
        _aclBySubnet.TryGetValue(subnet.SubnetId, out var acl) ? acl : _defaultAclByVpc.TryGetValue(subnet.VpcId, out var d) ? d : null;

    public IReadOnlyList<TransitGatewayVpcAttachment> VpcAttachmentsOfVpc(string vpcId) =>
        _vpcAttachmentsByVpc.TryGetValue(vpcId, out var list) ? list : Array.Empty<TransitGatewayVpcAttachment>();

    /// <summary>
    /// The attachment as <paramref name="transitGatewayId"/> sees it: for a peering attachment each TGW has its own
    /// side with its own route-table association (R-TGW-18). Null when that TGW's side is not in the snapshot.
    /// </summary>
    public TransitGatewayAttachment? TransitGatewayAttachmentOn(string transitGatewayId, string attachmentId) =>
        _attachmentSides.TryGetValue((transitGatewayId, attachmentId), out var side) ? side : null;

    /// <summary>The requester-managed ENI the TGW placed in one attachment subnet (R-TGW-1).</summary>
    public NetworkInterface? TransitGatewayAttachmentEni(string attachmentId, string subnetId) =>
        _tgwEniByAttachmentSubnet.TryGetValue((attachmentId, subnetId), out var eni) ? eni : null;

    /// <summary>Counts of each resource kind, for summaries.</summary>
    public IReadOnlyDictionary<string, int> Counts => new SortedDictionary<string, int>(StringComparer.Ordinal)
    {
        ["Vpcs"] = Vpcs.Count, ["Subnets"] = Subnets.Count, ["Instances"] = Instances.Count,
        ["NetworkInterfaces"] = NetworkInterfaces.Count, ["SecurityGroups"] = SecurityGroups.Count,
        ["NetworkAcls"] = NetworkAcls.Count, ["RouteTables"] = RouteTables.Count, ["PrefixLists"] = PrefixLists.Count,
        ["TransitGateways"] = TransitGateways.Count, ["TransitGatewayAttachments"] = TransitGatewayAttachments.Count,
        ["TransitGatewayRouteTables"] = TransitGatewayRouteTables.Count,
        ["TransitGatewayPeeringAttachments"] = TransitGatewayPeeringAttachments.Count,
        ["VpnConnections"] = VpnConnections.Count, ["VpnGateways"] = VpnGateways.Count,
        ["TransitGatewayRoutes"] = TransitGatewayRoutes.Values.Sum(l => l.Count),
        ["VpcPeeringConnections"] = VpcPeeringConnections.Count, ["InternetGateways"] = InternetGateways.Count,
        ["EgressOnlyInternetGateways"] = EgressOnlyInternetGateways.Count, ["NatGateways"] = NatGateways.Count,
        ["VpcEndpoints"] = VpcEndpoints.Count, ["Addresses"] = ElasticIps.Count,
        ["TransitGatewayPolicyTables"] = TransitGatewayPolicyTables.Count,
        ["VpcBlockPublicAccessExclusions"] = VpcBlockPublicAccessExclusions.Count,
    };
}

/// <summary>
/// Collects resources from any source (snapshot files, live AWS) and builds the immutable model.
/// Build() checks references inside the estate and fails with the file and JSON path of the first dangling one.
/// </summary>
public sealed class NetworkModelBuilder
{
    public string SourceDescription { get; set; } = "";
    public List<SnapshotWarning> Warnings { get; } = new();
    /// <summary>Kinds a live source was refused (UnauthorizedOperation): the walk says Unknown where it needs them.</summary>
    public List<UnreadableResource> Unreadable { get; } = new();
    /// <summary>TGW route tables whose static routes were listed (a Routes list was present, perhaps empty).</summary>
    public HashSet<string> TransitGatewayRouteTablesWithRoutesListed { get; } = new(StringComparer.Ordinal);
    /// <summary>TGW route tables whose propagations were listed (perhaps an empty list).</summary>
    public HashSet<string> TransitGatewayRouteTablesWithPropagationsListed { get; } = new(StringComparer.Ordinal);
    public List<Vpc> Vpcs { get; } = new();
    public List<Subnet> Subnets { get; } = new();
    public List<Instance> Instances { get; } = new();
    public List<NetworkInterface> NetworkInterfaces { get; } = new();
    public List<SecurityGroup> SecurityGroups { get; } = new();
    public List<NetworkAcl> NetworkAcls { get; } = new();
    public List<RouteTable> RouteTables { get; } = new();
    public List<PrefixList> PrefixLists { get; } = new();
    public List<TransitGateway> TransitGateways { get; } = new();
    public List<TransitGatewayAttachment> TransitGatewayAttachments { get; } = new();
    public List<TransitGatewayVpcAttachment> TransitGatewayVpcAttachments { get; } = new();
    public List<TransitGatewayPeeringAttachment> TransitGatewayPeeringAttachments { get; } = new();
    public List<VpnConnection> VpnConnections { get; } = new();
    public List<VpnGateway> VpnGateways { get; } = new();
    public List<TransitGatewayRouteTable> TransitGatewayRouteTables { get; } = new();
    public List<TransitGatewayRoute> TransitGatewayRoutes { get; } = new();
    public List<TransitGatewayPropagation> TransitGatewayPropagations { get; } = new();
    public List<VpcPeeringConnection> VpcPeeringConnections { get; } = new();
    public List<InternetGateway> InternetGateways { get; } = new();
    public List<EgressOnlyInternetGateway> EgressOnlyInternetGateways { get; } = new();
    public List<NatGateway> NatGateways { get; } = new();
    public List<VpcEndpoint> VpcEndpoints { get; } = new();
    public List<ElasticIpAddress> ElasticIps { get; } = new();
    public List<TransitGatewayPolicyTable> TransitGatewayPolicyTables { get; } = new();
    public List<TransitGatewayPolicyTableEntry> TransitGatewayPolicyTableEntries { get; } = new();
    public List<TransitGatewayPolicyTableAssociation> TransitGatewayPolicyTableAssociations { get; } = new();
    /// <summary>Policy tables whose entries were read, even when the list was empty (an empty table drops everything).</summary>
    /// <remarks>A list (duplicates harmless) so the builder's reflective copy and the parallel file merge carry it like the resource lists.</remarks>
    public List<string> TransitGatewayPolicyTablesWithEntries { get; } = new();
    public List<VpcBlockPublicAccessOptions> VpcBlockPublicAccessOptions { get; } = new();
    public List<VpcBlockPublicAccessExclusion> VpcBlockPublicAccessExclusions { get; } = new();

    /// <summary>Builds a model whose lookups scan linearly (the benchmark's baseline); see <see cref="NetworkModel.LinearLookups"/>.</summary>
    internal bool LinearLookups { get; set; }

    /// <summary>
    /// A builder with the same state: every property, public or internal, is carried over — collections item by item
    /// (shallowly; the records are immutable), settable scalars by value. The properties are found by reflection, so state
    /// added to the builder later is copied without touching this method; a property of a shape Copy() cannot carry
    /// (a settable collection, a mutable object) fails the type's initialisation, so it cannot be forgotten silently.
    /// </summary>
    public NetworkModelBuilder Copy()
    {
        var copy = new NetworkModelBuilder();
        foreach (var carry in Carriers) carry(this, copy);
        return copy;
    }

    /// <summary>State that is deliberately not copied, with the reason.</summary>
    internal static readonly IReadOnlyDictionary<string, string> NotCopied = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        // The reader's deferred work refers to the builder it was made for and is consumed (and cleared) by Build();
        // models keep only built builders, so a copy never needs it.
        [nameof(ReaderState)] = "the snapshot reader's deferred work, consumed by Build()",
    };

    /// <summary>Every instance property of the builder that Copy() carries (public and internal).</summary>
    internal static IEnumerable<System.Reflection.PropertyInfo> CopiedProperties =>
        typeof(NetworkModelBuilder).GetProperties(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)
            .Where(p => !NotCopied.ContainsKey(p.Name));

    private static readonly Action<NetworkModelBuilder, NetworkModelBuilder>[] Carriers = CopiedProperties.Select(Carrier).ToArray();

    private static Action<NetworkModelBuilder, NetworkModelBuilder> Carrier(System.Reflection.PropertyInfo property)
    {
        var type = property.PropertyType;
        var collection = type.GetInterfaces().Append(type)
            .FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(ICollection<>));
        if (property.GetIndexParameters().Length == 0 && property.SetMethod is null && collection is not null)
            // A get-only collection the constructor creates (with its comparer): fill the copy's own instance.
            return (Action<NetworkModelBuilder, NetworkModelBuilder>)typeof(NetworkModelBuilder)
                .GetMethod(nameof(CollectionCarrier), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
                .MakeGenericMethod(collection.GetGenericArguments()[0]).Invoke(null, new object[] { property })!;
        if (property.GetIndexParameters().Length == 0 && property.SetMethod is not null && (type.IsValueType || type == typeof(string)))
            return (from, to) => property.SetValue(to, property.GetValue(from));
        throw new InvalidOperationException(
            $"NetworkModelBuilder.{property.Name} ({type.Name}) is neither a get-only collection nor a settable value: teach Copy() to carry it, or list it in NotCopied with the reason.");
    }

    private static Action<NetworkModelBuilder, NetworkModelBuilder> CollectionCarrier<T>(System.Reflection.PropertyInfo property) => (from, to) =>
    {
        var target = (ICollection<T>)property.GetValue(to)!;
        if (target is List<T> list) list.EnsureCapacity(list.Count + ((ICollection<T>)property.GetValue(from)!).Count);
        foreach (var item in (ICollection<T>)property.GetValue(from)!) target.Add(item);
    };

    /// <summary>Work the snapshot reader defers until all files are read (embedded ENIs, prefix-list entries).</summary>
    internal Parsers.SnapshotReaderState? ReaderState { get; set; }

    public NetworkModel Build()
    {
        ReaderState?.Complete(this);
        ReaderState = null;
        Dedupe(Vpcs, v => v.VpcId, v => v.Origin);
        Dedupe(Subnets, s => s.SubnetId, s => s.Origin);
        Dedupe(Instances, i => i.InstanceId, i => i.Origin);
        Dedupe(NetworkInterfaces, e => e.NetworkInterfaceId, e => e.Origin);
        Dedupe(SecurityGroups, g => g.GroupId, g => g.Origin);
        Dedupe(NetworkAcls, a => a.NetworkAclId, a => a.Origin);
        Dedupe(RouteTables, r => r.RouteTableId, r => r.Origin);
        Dedupe(PrefixLists, p => p.PrefixListId, p => p.Origin);
        Dedupe(TransitGateways, t => t.TransitGatewayId, t => t.Origin);
        Dedupe(TransitGatewayAttachments, a => $"{a.TransitGatewayId}|{a.TransitGatewayAttachmentId}", a => a.Origin);
        Dedupe(TransitGatewayPeeringAttachments, a => a.TransitGatewayAttachmentId, a => a.Origin);
        Dedupe(VpnConnections, v => v.VpnConnectionId, v => v.Origin);
        Dedupe(VpnGateways, v => v.VpnGatewayId, v => v.Origin);
        Dedupe(TransitGatewayVpcAttachments, a => a.TransitGatewayAttachmentId, a => a.Origin);
        Dedupe(TransitGatewayRouteTables, t => t.TransitGatewayRouteTableId, t => t.Origin);
        Dedupe(VpcPeeringConnections, p => p.VpcPeeringConnectionId, p => p.Origin);
        Dedupe(InternetGateways, g => g.InternetGatewayId, g => g.Origin);
        Dedupe(EgressOnlyInternetGateways, g => g.EgressOnlyInternetGatewayId, g => g.Origin);
        Dedupe(NatGateways, n => n.NatGatewayId, n => n.Origin);
        Dedupe(VpcEndpoints, e => e.VpcEndpointId, e => e.Origin);
        Dedupe(TransitGatewayPolicyTables, t => t.TransitGatewayPolicyTableId, t => t.Origin);
        Dedupe(VpcBlockPublicAccessOptions, o => $"{o.AwsAccountId}|{o.AwsRegion}", o => o.Origin);
        Dedupe(VpcBlockPublicAccessExclusions, e => e.ExclusionId, e => e.Origin);
        // The model's indexes are built while the references are checked (both only read the lists): on a large estate
        // each takes a few hundred milliseconds. A dangling reference still fails the build, after the model is dropped.
        var model = Task.Run(() => new NetworkModel(this));
        try
        {
            CheckReferences();
        }
        catch
        {
            try { model.Wait(); } catch (AggregateException) { } // nothing keeps reading the lists once Build() has thrown
            throw;
        }
        return model.GetAwaiter().GetResult();
    }

    private void Dedupe<T>(List<T> items, Func<T, string> id, Func<T, ResourceOrigin> origin) where T : class
    {
        var seen = new Dictionary<string, T>(StringComparer.Ordinal);
        var kept = new List<T>(items.Count);
        foreach (var item in items)
        {
            var key = id(item);
            if (seen.TryGetValue(key, out var first))
            {
                // The same resource read twice (two folders, two accounts that see a shared subnet or TGW) is harmless;
                // two different definitions under one id inside one snapshot folder are an error. Across folders the
                // first read wins and a warning says so (tags and names differ between owner and participant views).
                if (!SameIgnoringOrigin(first, item, origin))
                {
                    var a = origin(first); var b = origin(item);
                    if (Path.GetDirectoryName(a.SourceFile ?? "") == Path.GetDirectoryName(b.SourceFile ?? ""))
                        throw new SnapshotException(SnapshotErrorIds.DuplicateId,
                            $"duplicate id {key} with a different definition (first seen in {a.Place})", b.SourceFile, b.JsonPath);
                    Warnings.Add(new SnapshotWarning($"{key} is defined differently here and in {a.Place}; using the first", b.SourceFile, b.JsonPath));
                }
                continue;
            }
            seen[key] = item;
            kept.Add(item);
        }
        items.Clear();
        items.AddRange(kept);
    }

    private static bool SameIgnoringOrigin<T>(T a, T b, Func<T, ResourceOrigin> origin) where T : class
    {
        // Records compare by value; collections inside them compare by reference, so compare their printed form.
        static string Print(object o) => System.Text.Json.JsonSerializer.Serialize(o, o.GetType(), PrintOptions);
        var ao = origin(a); var bo = origin(b);
        var pa = Print(a).Replace(Print(ao), "", StringComparison.Ordinal);
        var pb = Print(b).Replace(Print(bo), "", StringComparison.Ordinal);
        if (pa == pb) return true;
        // Names come from tags, which owner and participant accounts set independently.
        pa = System.Text.RegularExpressions.Regex.Replace(pa, "\"Name\":(null|\"(?:[^\"\\\\]|\\\\.)*\")", "");
        pb = System.Text.RegularExpressions.Regex.Replace(pb, "\"Name\":(null|\"(?:[^\"\\\\]|\\\\.)*\")", "");
        return pa == pb;
    }

    private static readonly System.Text.Json.JsonSerializerOptions PrintOptions = new() { IncludeFields = false };

    private void CheckReferences()
    {
        var vpcs = Vpcs.Select(v => v.VpcId).ToHashSet(StringComparer.Ordinal);
        var subnets = Subnets.ToDictionary(s => s.SubnetId, StringComparer.Ordinal);

        foreach (var s in Subnets)
            if (!vpcs.Contains(s.VpcId) && Vpcs.Count > 0)
                Dangling($"subnet {s.SubnetId} names VPC {s.VpcId}, which is not in the snapshot", s.Origin);

        foreach (var e in NetworkInterfaces)
            if (!subnets.ContainsKey(e.SubnetId))
                Dangling($"network interface {e.NetworkInterfaceId} names subnet {e.SubnetId}, which is not in the snapshot", e.Origin);

        foreach (var i in Instances)
            if (i.SubnetId is not null && !subnets.ContainsKey(i.SubnetId) && (i.State is null || i.State == "running"))
                Dangling($"instance {i.InstanceId} names subnet {i.SubnetId}, which is not in the snapshot", i.Origin);

        foreach (var e in NetworkInterfaces)
            if (subnets.TryGetValue(e.SubnetId, out var own) && own.VpcId != e.VpcId)
                Inconsistent($"network interface {e.NetworkInterfaceId} says VPC {e.VpcId}, but its subnet {e.SubnetId} is in {own.VpcId}", e.Origin, "VpcId");

        // R-NACL-9: each subnet has exactly one NACL, of its own VPC; each VPC one default NACL.
        var aclOfSubnet = new Dictionary<string, string>(StringComparer.Ordinal);
        var defaultAcl = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var acl in NetworkAcls)
        {
            if (acl.IsDefault && !defaultAcl.TryAdd(acl.VpcId, acl.NetworkAclId))
                Inconsistent($"VPC {acl.VpcId} has two default network ACLs, {defaultAcl[acl.VpcId]} and {acl.NetworkAclId}", acl.Origin, "IsDefault");
            foreach (var s in acl.AssociatedSubnetIds)
            {
                if (!subnets.TryGetValue(s, out var subnet))
                {
                    if (vpcs.Contains(acl.VpcId))
                        Dangling($"network ACL {acl.NetworkAclId} is associated with subnet {s}, which is not in the snapshot", acl.Origin);
                    continue;
                }
                if (subnet.VpcId != acl.VpcId)
                    Inconsistent($"network ACL {acl.NetworkAclId} of {acl.VpcId} is associated with subnet {s} of {subnet.VpcId}; a subnet takes a network ACL of its own VPC", acl.Origin, "Associations");
                if (!aclOfSubnet.TryAdd(s, acl.NetworkAclId) && aclOfSubnet[s] != acl.NetworkAclId)
                    Inconsistent($"subnet {s} is associated with two network ACLs, {aclOfSubnet[s]} and {acl.NetworkAclId}; AWS gives a subnet exactly one", acl.Origin, "Associations");
            }
        }

        // R-RT-1: each subnet has exactly one route table, of its own VPC; each VPC one main table.
        var tableOfSubnet = new Dictionary<string, string>(StringComparer.Ordinal);
        var mainTable = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var rt in RouteTables)
            foreach (var a in rt.Associations)
            {
                if (a.Main && !mainTable.TryAdd(rt.VpcId, rt.RouteTableId) && mainTable[rt.VpcId] != rt.RouteTableId)
                    Inconsistent($"VPC {rt.VpcId} has two main route tables, {mainTable[rt.VpcId]} and {rt.RouteTableId}", rt.Origin, "Associations");
                if (a.SubnetId is null) continue;
                if (!subnets.TryGetValue(a.SubnetId, out var subnet))
                {
                    if (vpcs.Contains(rt.VpcId))
                        Dangling($"route table {rt.RouteTableId} is associated with subnet {a.SubnetId}, which is not in the snapshot", rt.Origin);
                    continue;
                }
                if (subnet.VpcId != rt.VpcId)
                    Inconsistent($"route table {rt.RouteTableId} of {rt.VpcId} is associated with subnet {a.SubnetId} of {subnet.VpcId}; a subnet takes a route table of its own VPC", rt.Origin, "Associations");
                if (!tableOfSubnet.TryAdd(a.SubnetId, rt.RouteTableId) && tableOfSubnet[a.SubnetId] != rt.RouteTableId)
                    Inconsistent($"subnet {a.SubnetId} is associated with two route tables, {tableOfSubnet[a.SubnetId]} and {rt.RouteTableId}; AWS gives a subnet exactly one", rt.Origin, "Associations");
            }

        // An attachment whose VPC is in the snapshot must have its subnets there too; a VPC of another account may be absent.
        // R-TGW-1: the subnets are the attachment's own VPC's, one per AZ (one zone: the same AZ id, known or borrowed from
        // a record the same account named alike, else the same name from the same account, R-AZ-1).
        var zoneIds = TransitGatewayVpcAttachments.Count == 0 ? null
            : NetworkModel.ZoneIdsByName(Subnets, NatGateways, Vpcs.ToDictionary(v => v.VpcId, StringComparer.Ordinal));
        foreach (var att in TransitGatewayVpcAttachments)
        {
            var azs = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var s in att.SubnetIds)
            {
                if (!subnets.TryGetValue(s, out var subnet))
                {
                    if (vpcs.Contains(att.VpcId))
                        Dangling($"transit gateway attachment {att.TransitGatewayAttachmentId} names subnet {s}, which is not in the snapshot", att.Origin);
                    continue;
                }
                if (subnet.VpcId != att.VpcId)
                    Inconsistent($"transit gateway attachment {att.TransitGatewayAttachmentId} to {att.VpcId} names subnet {s} of {subnet.VpcId}", att.Origin, "SubnetIds");
                var az = NetworkModel.ZoneOf(subnet, zoneIds!);
                var zone = az.Id ?? (az.Name.Length > 0 ? $"{az.NamingAccountId}|{az.Name}" : null);
                if (zone is not null && !azs.TryAdd(zone, s) && azs[zone] != s)
                    Inconsistent($"transit gateway attachment {att.TransitGatewayAttachmentId} names two subnets in {az.Text}, {azs[zone]} and {s}; an attachment has one subnet per Availability Zone (R-TGW-1)", att.Origin, "SubnetIds");
            }
        }
    }

    private static void Inconsistent(string message, ResourceOrigin origin, string field) =>
        throw new SnapshotException(SnapshotErrorIds.Inconsistent, message, origin.SourceFile,
            origin.JsonPath is null ? null : origin.JsonPath + "." + field);

    private static void Dangling(string message, ResourceOrigin origin) =>
        throw new SnapshotException(SnapshotErrorIds.DanglingReference, message, origin.SourceFile, origin.JsonPath);
}

/// <summary>The resource kinds a source can fail to read, named after the snapshot's top-level keys.</summary>
public static class ResourceKinds
{
    public const string Vpcs = "Vpcs";
    public const string Subnets = "Subnets";
    public const string Instances = "Instances";
    public const string NetworkInterfaces = "NetworkInterfaces";
    public const string SecurityGroups = "SecurityGroups";
    public const string NetworkAcls = "NetworkAcls";
    public const string RouteTables = "RouteTables";
    public const string PrefixLists = "PrefixLists";
    public const string TransitGateways = "TransitGateways";
    public const string TransitGatewayAttachments = "TransitGatewayAttachments";
    public const string TransitGatewayVpcAttachments = "TransitGatewayVpcAttachments";
    public const string TransitGatewayRouteTables = "TransitGatewayRouteTables";
    public const string TransitGatewayRoutes = "TransitGatewayRoutes";
    public const string TransitGatewayPropagations = "TransitGatewayPropagations";
    /// <summary>Policy tables, their entries and associations (R-TGW-22).</summary>
    public const string TransitGatewayPolicyTables = "TransitGatewayPolicyTables";
    /// <summary>VPC Block Public Access settings and exclusions (R-BPA-1).</summary>
    public const string VpcBlockPublicAccess = "VpcBlockPublicAccess";
}

/// <summary>
/// A kind of resource the source was not allowed to read: <paramref name="Action"/> is the IAM action that was refused
/// (ec2:DescribeNetworkAcls). <paramref name="ResourceId"/> narrows it to one resource for per-resource calls
/// (a TGW route table's routes); null means every resource of the kind.
/// </summary>
public sealed record UnreadableResource(string Kind, string Action, string Message, string? ResourceId = null, string? AccountId = null)
{
    /// <summary>True when the call was not refused but kept failing (5xx, throttling, dropped connections) past its retries.</summary>
    public bool Failed { get; init; }
    /// <summary>"ec2:DescribeNetworkAcls was denied" or "ec2:DescribeNetworkAcls failed (…)", for explanations.</summary>
    public string Why => Failed ? $"{Action} failed ({Message})" : $"{Action} was denied";
    public override string ToString() => Failed
        ? $"{Kind}{(ResourceId is null ? "" : " of " + ResourceId)} could not be read: {Why}"
        : $"{Kind}{(ResourceId is null ? "" : " of " + ResourceId)} could not be read: {Action} was denied ({Message})";
}
