using System.Runtime.CompilerServices;
using PacketWalk.Core.Net;

namespace PacketWalk.Core.Model;

// One immutable type per AWS resource, named and shaped after the EC2 API so ids read as the SDK names them.
// Collections are never null: the snapshot reader and the live adapter fill empty lists where AWS omits them.
// Rule and route texts are cached per instance in static ConditionalWeakTables (not fields), so record equality is unchanged.

/// <summary>Where a resource came from: the account and region of the snapshot folder or API call.</summary>
public sealed record ResourceOrigin(string? OwnerId, string? Region, string? SourceFile, string? JsonPath)
{
    public static readonly ResourceOrigin Unknown = new(null, null, null, null);
    /// <summary>"Subnets.json at $.Subnets[2]" — used in error messages.</summary>
    public string Place => SourceFile is null ? "(no file)" : JsonPath is null ? SourceFile : $"{SourceFile} at {JsonPath}";
}

public sealed record Tag(string Key, string Value);

public sealed record Vpc(
    string VpcId,
    IReadOnlyList<Cidr> CidrBlocks,
    IReadOnlyList<Cidr> Ipv6CidrBlocks,
    bool IsDefault,
    string? OwnerId,
    ResourceOrigin Origin)
{
    public IEnumerable<Cidr> AllCidrs => CidrBlocks.Concat(Ipv6CidrBlocks);
    public bool ContainsAddress(IpAddress address) => AllCidrs.Any(c => c.Contains(address));
    public string? Name { get; init; }
}

public sealed record Subnet(
    string SubnetId,
    string VpcId,
    string AvailabilityZone,
    string? AvailabilityZoneId,
    Cidr? CidrBlock,
    IReadOnlyList<Cidr> Ipv6CidrBlocks,
    string? OwnerId,
    ResourceOrigin Origin)
{
    public string? Name { get; init; }
}

public sealed record Instance(
    string InstanceId,
    string? SubnetId,
    string? VpcId,
    string? PrivateIpAddress,
    string? Platform,
    string? State,
    string? AvailabilityZone,
    IReadOnlyList<string> NetworkInterfaceIds,
    ResourceOrigin Origin)
{
    public string? Name { get; init; }
    public bool IsWindows => string.Equals(Platform, "windows", StringComparison.OrdinalIgnoreCase);
}

public sealed record NetworkInterface(
    string NetworkInterfaceId,
    string SubnetId,
    string VpcId,
    string AvailabilityZone,
    IpAddress? PrimaryPrivateIp,
    IReadOnlyList<IpAddress> PrivateIps,
    IReadOnlyList<IpAddress> Ipv6Addresses,
    IReadOnlyList<string> GroupIds,
    bool SourceDestCheck,
    string InterfaceType,
    string? Description,
    string? InstanceId,
    int? DeviceIndex,
    bool RequesterManaged,
    string? Status,
    IpAddress? PublicIp,
    string? OwnerId,
    ResourceOrigin Origin)
{
    public IEnumerable<IpAddress> AllAddresses => PrivateIps.Concat(Ipv6Addresses);
    public bool HasAddress(IpAddress address) => PrivateIps.Contains(address) || Ipv6Addresses.Contains(address) || PublicIp == address;

    /// <summary>The attachment id named in a TGW ENI's description ("Network Interface for Transit Gateway Attachment tgw-attach-…").</summary>
    public string? TransitGatewayAttachmentId
    {
        get
        {
            if (Description is null) return null;
            var i = Description.IndexOf("tgw-attach-", StringComparison.Ordinal);
            if (i < 0) return null;
            var end = i;
            while (end < Description.Length && !char.IsWhiteSpace(Description[end])) end++;
            return Description[i..end];
        }
    }
}

public enum RuleDirection { Inbound = 0, Outbound = 1 }

/// <summary>One peer of a security-group rule: a CIDR, a prefix list or a group (R-SG-4).</summary>
public sealed record SecurityGroupRule(
    string GroupId,
    RuleDirection Direction,
    int Protocol,
    int? FromPort,
    int? ToPort,
    Cidr? Cidr,
    string? PrefixListId,
    string? ReferencedGroupId,
    string? ReferencedUserId,
    string? Description)
{
    private static readonly ConditionalWeakTable<SecurityGroupRule, string> Texts = new();

    /// <summary>The rule as the console writes it, e.g. "tcp 443 from 10.0.0.0/16"; composed once per rule (hop rows repeat it).</summary>
    public string Text => Texts.GetValue(this, static r => r.FormatText());

    private string FormatText()
    {
        var proto = IpProtocol.Name(Protocol);
        string ports;
        if (Protocol == IpProtocol.All) ports = "";
        else if (IpProtocol.HasPorts(Protocol)) ports = FromPort is null or -1 ? " all ports" : FromPort == ToPort ? $" {FromPort}" : $" {FromPort}-{ToPort}";
        else if (IpProtocol.IsIcmpFamily(Protocol)) ports = FromPort is null or -1 ? " all types" : $" type {FromPort} code {(ToPort is null or -1 ? "all" : ToPort.ToString())}";
        else ports = "";
        var peer = Cidr?.ToString() ?? PrefixListId ?? ReferencedGroupId ?? "?";
        return $"{GroupId} {(Direction == RuleDirection.Inbound ? "inbound" : "outbound")} {proto}{ports} {(Direction == RuleDirection.Inbound ? "from" : "to")} {peer}";
    }
}

public sealed record SecurityGroup(
    string GroupId,
    string? GroupName,
    string? VpcId,
    IReadOnlyList<SecurityGroupRule> IngressRules,
    IReadOnlyList<SecurityGroupRule> EgressRules,
    string? OwnerId,
    ResourceOrigin Origin);

public sealed record NetworkAclEntry(
    int RuleNumber,
    bool Egress,
    int Protocol,
    bool Allow,
    Cidr Cidr,
    PortRange? PortRange,
    int? IcmpType,
    int? IcmpCode)
{
    private static readonly ConditionalWeakTable<NetworkAclEntry, string> Texts = new();

    /// <summary>The console's words: "rule 100 allow all 0.0.0.0/0", "rule 32767 (*) deny all ::/0"; composed once per entry.</summary>
    public string Text => Texts.GetValue(this, static e => e.FormatText());

    private string FormatText()
    {
        var number = RuleNumber == 32767 ? "*" : RuleNumber.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var proto = IpProtocol.Name(Protocol);
        var ports = IpProtocol.HasPorts(Protocol) && PortRange is { } pr ? $" {pr}"
            : IpProtocol.IsIcmpFamily(Protocol) && IcmpType is { } t && t != -1 ? $" type {t} code {(IcmpCode is null or -1 ? "all" : IcmpCode.ToString())}" : "";
        return $"rule {number} {(Allow ? "allow" : "deny")} {proto}{ports} {Cidr}";
    }
}

public sealed record NetworkAcl(
    string NetworkAclId,
    string VpcId,
    bool IsDefault,
    IReadOnlyList<NetworkAclEntry> Entries,
    IReadOnlyList<string> AssociatedSubnetIds,
    string? OwnerId,
    ResourceOrigin Origin);

public enum RouteTargetType
{
    Local, TransitGateway, InternetGateway, EgressOnlyInternetGateway, NatGateway, VpcPeering,
    NetworkInterface, Instance, VpcEndpoint, VirtualPrivateGateway, CarrierGateway, LocalGateway, CoreNetwork, Unknown,
}

public sealed record Route(
    Cidr? DestinationCidr,
    string? DestinationPrefixListId,
    RouteTargetType TargetType,
    string? TargetId,
    string State,
    string? Origin)
{
    public bool IsBlackhole => string.Equals(State, "blackhole", StringComparison.OrdinalIgnoreCase);
    public bool IsPropagated => string.Equals(Origin, "EnableVgwRoutePropagation", StringComparison.OrdinalIgnoreCase);
    public string DestinationText => DestinationCidr?.ToString() ?? DestinationPrefixListId ?? "?";
    private static readonly ConditionalWeakTable<Route, string> Texts = new();
    public string Text => Texts.GetValue(this, static r => $"{r.DestinationText} -> {(r.TargetType == RouteTargetType.Local ? "local" : r.TargetId)}{(r.IsBlackhole ? " (blackhole)" : "")}");
}

public sealed record RouteTableAssociation(string? SubnetId, string? GatewayId, bool Main);

public sealed record RouteTable(
    string RouteTableId,
    string VpcId,
    IReadOnlyList<Route> Routes,
    IReadOnlyList<RouteTableAssociation> Associations,
    string? OwnerId,
    ResourceOrigin Origin)
{
    public bool IsMain => Associations.Any(a => a.Main);
}

public sealed record PrefixList(string PrefixListId, string? PrefixListName, IReadOnlyList<Cidr> Cidrs, string? OwnerId, ResourceOrigin Origin);

public sealed record TransitGateway(
    string TransitGatewayId,
    string? State,
    string? AssociationDefaultRouteTableId,
    string? PropagationDefaultRouteTableId,
    bool SecurityGroupReferencingSupport,
    string? OwnerId,
    ResourceOrigin Origin);

/// <summary>Any TGW attachment (describe-transit-gateway-attachments): vpc, peering, vpn, direct-connect-gateway, connect.</summary>
public sealed record TransitGatewayAttachment(
    string TransitGatewayAttachmentId,
    string TransitGatewayId,
    string ResourceType,
    string? ResourceId,
    string? ResourceOwnerId,
    string State,
    string? AssociatedRouteTableId,
    string? AssociationState,
    ResourceOrigin Origin)
{
    public bool IsAvailable => string.Equals(State, "available", StringComparison.OrdinalIgnoreCase);
}

/// <summary>The VPC-specific side of an attachment (describe-transit-gateway-vpc-attachments): one subnet per AZ (R-TGW-1).</summary>
public sealed record TransitGatewayVpcAttachment(
    string TransitGatewayAttachmentId,
    string TransitGatewayId,
    string VpcId,
    string? VpcOwnerId,
    IReadOnlyList<string> SubnetIds,
    string State,
    bool ApplianceModeSupport,
    bool SecurityGroupReferencingSupport,
    bool Ipv6Support,
    ResourceOrigin Origin);

public sealed record TransitGatewayRouteTable(
    string TransitGatewayRouteTableId,
    string TransitGatewayId,
    bool DefaultAssociationRouteTable,
    bool DefaultPropagationRouteTable,
    string? State,
    ResourceOrigin Origin);

public enum TgwRouteType { Static, PrefixListReference, Propagated }

public sealed record TransitGatewayRouteTarget(string TransitGatewayAttachmentId, string? ResourceId, string? ResourceType);

public sealed record TransitGatewayRoute(
    string TransitGatewayRouteTableId,
    Cidr? DestinationCidr,
    string? PrefixListId,
    TgwRouteType Type,
    string State,
    IReadOnlyList<TransitGatewayRouteTarget> Targets)
{
    public bool IsBlackhole => string.Equals(State, "blackhole", StringComparison.OrdinalIgnoreCase);
    /// <summary>Route states are pending, active, blackhole, deleting and deleted; only active forwards.</summary>
    public bool IsActive => string.Equals(State, "active", StringComparison.OrdinalIgnoreCase);
    public bool IsDeleted => string.Equals(State, "deleted", StringComparison.OrdinalIgnoreCase);
    public string TypeText => Type switch { TgwRouteType.Static => "static", TgwRouteType.PrefixListReference => "prefix-list", _ => "propagated" };
    private static readonly ConditionalWeakTable<TransitGatewayRoute, string> Texts = new();
    public string Text => Texts.GetValue(this, static r => $"{r.DestinationCidr?.ToString() ?? r.PrefixListId} -> {(r.IsBlackhole ? "blackhole" : string.Join(",", r.Targets.Select(t => t.TransitGatewayAttachmentId)))} ({r.TypeText})");
}

public sealed record TransitGatewayPropagation(string TransitGatewayRouteTableId, string TransitGatewayAttachmentId, string? ResourceId, string? ResourceType, string State)
{
    public bool IsEnabled => string.Equals(State, "enabled", StringComparison.OrdinalIgnoreCase);
}

public sealed record VpcPeeringConnection(
    string VpcPeeringConnectionId,
    string RequesterVpcId, string? RequesterOwnerId, string? RequesterRegion, IReadOnlyList<Cidr> RequesterCidrs,
    string AccepterVpcId, string? AccepterOwnerId, string? AccepterRegion, IReadOnlyList<Cidr> AccepterCidrs,
    string Status,
    ResourceOrigin Origin)
{
    public bool IsActive => string.Equals(Status, "active", StringComparison.OrdinalIgnoreCase);
}

public sealed record InternetGateway(string InternetGatewayId, IReadOnlyList<string> AttachedVpcIds, string? OwnerId, ResourceOrigin Origin);

public sealed record EgressOnlyInternetGateway(string EgressOnlyInternetGatewayId, IReadOnlyList<string> AttachedVpcIds, ResourceOrigin Origin);

public sealed record NatGatewayAddress(string? NetworkInterfaceId, IpAddress? PrivateIp, IpAddress? PublicIp, string? AllocationId, bool IsPrimary, string? AvailabilityZone)
{
    /// <summary>For a regional NAT gateway: the AZ id this address serves (R-NAT-5).</summary>
    public string? AvailabilityZoneId { get; init; }
    /// <summary>assigning, unassigning, associating, disassociating, succeeded or failed; null when the snapshot does not say.</summary>
    public string? Status { get; init; }
    /// <summary>An address is usable unless its status says it is being set up, taken away or failed.</summary>
    public bool IsUsable => Status is null || string.Equals(Status, "succeeded", StringComparison.OrdinalIgnoreCase);
}

public sealed record NatGateway(
    string NatGatewayId,
    string? SubnetId,
    string VpcId,
    string State,
    string ConnectivityType,
    string? AvailabilityMode,
    IReadOnlyList<NatGatewayAddress> Addresses,
    ResourceOrigin Origin)
{
    public bool IsPublic => !string.Equals(ConnectivityType, "private", StringComparison.OrdinalIgnoreCase);
    public bool IsAvailable => string.Equals(State, "available", StringComparison.OrdinalIgnoreCase);
    /// <summary>A regional NAT gateway serves every AZ it has addresses in, from no subnet of its own (R-NAT-4).</summary>
    public bool IsRegional => string.Equals(AvailabilityMode, "regional", StringComparison.OrdinalIgnoreCase);
    /// <summary>The route table AWS creates for a regional NAT gateway (its own routes to the internet gateway).</summary>
    public string? RouteTableId { get; init; }
    /// <summary>Regional NAT: "enabled" when AWS expands it into AZs as workloads appear (automatic mode), "disabled" in manual mode.</summary>
    public string? AutoProvisionZones { get; init; }
    public bool ExpandsAutomatically => string.Equals(AutoProvisionZones, "enabled", StringComparison.OrdinalIgnoreCase);
}

public sealed record VpcEndpoint(
    string VpcEndpointId,
    string VpcEndpointType,
    string VpcId,
    string? ServiceName,
    string State,
    IReadOnlyList<string> RouteTableIds,
    IReadOnlyList<string> SubnetIds,
    IReadOnlyList<string> NetworkInterfaceIds,
    IReadOnlyList<string> GroupIds,
    string? PolicyDocument,
    ResourceOrigin Origin);

public sealed record ElasticIpAddress(string? AllocationId, IpAddress PublicIp, IpAddress? PrivateIp, string? NetworkInterfaceId, string? InstanceId, ResourceOrigin Origin);

/// <summary>
/// A transit gateway peering attachment (describe-transit-gateway-peering-attachments): one id shared by both sides,
/// each side associated with a route table of its own TGW (R-TGW-18). Routes over it are static only.
/// </summary>
public sealed record TransitGatewayPeeringAttachment(
    string TransitGatewayAttachmentId,
    string RequesterTransitGatewayId, string? RequesterOwnerId, string? RequesterRegion,
    string AccepterTransitGatewayId, string? AccepterOwnerId, string? AccepterRegion,
    string State,
    ResourceOrigin Origin)
{
    public bool IsAvailable => string.Equals(State, "available", StringComparison.OrdinalIgnoreCase);

    /// <summary>The TGW on the other side from <paramref name="transitGatewayId"/>, or null when it is neither side.</summary>
    public string? PeerOf(string transitGatewayId) =>
        transitGatewayId == RequesterTransitGatewayId ? AccepterTransitGatewayId
        : transitGatewayId == AccepterTransitGatewayId ? RequesterTransitGatewayId : null;

    public string? RegionOf(string transitGatewayId) =>
        transitGatewayId == RequesterTransitGatewayId ? RequesterRegion : transitGatewayId == AccepterTransitGatewayId ? AccepterRegion : null;

    public string? OwnerOf(string transitGatewayId) =>
        transitGatewayId == RequesterTransitGatewayId ? RequesterOwnerId : transitGatewayId == AccepterTransitGatewayId ? AccepterOwnerId : null;
}

/// <summary>One tunnel's telemetry of a Site-to-Site VPN connection (VgwTelemetry): Status UP or DOWN at snapshot time.</summary>
public sealed record VpnTunnel(string? OutsideIpAddress, string Status, string? StatusMessage)
{
    public bool IsUp => string.Equals(Status, "UP", StringComparison.OrdinalIgnoreCase);
}

/// <summary>A Site-to-Site VPN connection (describe-vpn-connections), on a transit gateway or a virtual private gateway.</summary>
public sealed record VpnConnection(
    string VpnConnectionId,
    string State,
    string? TransitGatewayId,
    string? VpnGatewayId,
    string? CustomerGatewayId,
    bool StaticRoutesOnly,
    IReadOnlyList<VpnTunnel> Tunnels,
    ResourceOrigin Origin)
{
    public bool IsAvailable => string.Equals(State, "available", StringComparison.OrdinalIgnoreCase);
    /// <summary>True when telemetry is present and every tunnel reports DOWN.</summary>
    public bool AllTunnelsDown => Tunnels.Count > 0 && Tunnels.All(t => !t.IsUp);
}

/// <summary>A virtual private gateway (describe-vpn-gateways): the VPC's own edge towards VPN and Direct Connect.</summary>
public sealed record VpnGateway(
    string VpnGatewayId,
    string State,
    IReadOnlyList<string> AttachedVpcIds,
    long? AmazonSideAsn,
    ResourceOrigin Origin)
{
    public bool IsAvailable => string.Equals(State, "available", StringComparison.OrdinalIgnoreCase);
}

/// <summary>
/// A transit gateway policy table (describe-transit-gateway-policy-tables): an ordered rule list that picks the TGW route
/// table for traffic arriving on the attachments associated with it (R-TGW-22).
/// </summary>
public sealed record TransitGatewayPolicyTable(string TransitGatewayPolicyTableId, string TransitGatewayId, string? State, ResourceOrigin Origin)
{
    public string? Name { get; init; }
    /// <summary>Policy table states are pending, available, deleting and deleted; null (absent) is taken as available.</summary>
    public bool IsAvailable => State is null || string.Equals(State, "available", StringComparison.OrdinalIgnoreCase);
}

/// <summary>
/// The match criteria of one policy rule (TransitGatewayPolicyRule). A null field is a wildcard ("*" or absent).
/// Port ranges apply only to TCP and UDP (R-TGW-24). MetaData is matched against tags a packet carries from Cloud WAN,
/// which no snapshot records.
/// </summary>
public sealed record TransitGatewayPolicyRule(
    Cidr? SourceCidr,
    Cidr? DestinationCidr,
    int? Protocol,
    PortRange? SourcePorts,
    PortRange? DestinationPorts,
    string? MetaDataKey,
    string? MetaDataValue)
{
    public bool HasMetaData => !string.IsNullOrEmpty(MetaDataKey) || !string.IsNullOrEmpty(MetaDataValue);

    /// <summary>"tcp from 10.0.0.0/16 port 32768-45000 to 10.1.0.0/16 port 443", with * for wildcards.</summary>
    public string Text
    {
        get
        {
            var proto = Protocol is { } p ? IpProtocol.Name(p) : "all";
            var from = SourceCidr?.ToString() ?? "*";
            var to = DestinationCidr?.ToString() ?? "*";
            var sp = SourcePorts is { } s ? $" port {s}" : "";
            var dp = DestinationPorts is { } d ? $" port {d}" : "";
            var meta = HasMetaData ? $" metadata {MetaDataKey}={MetaDataValue}" : "";
            return $"{proto} from {from}{sp} to {to}{dp}{meta}";
        }
    }
}

/// <summary>One entry of a policy table (get-transit-gateway-policy-table-entries): rule number, criteria, target route table.</summary>
public sealed record TransitGatewayPolicyTableEntry(
    string TransitGatewayPolicyTableId,
    int PolicyRuleNumber,
    TransitGatewayPolicyRule PolicyRule,
    string? TargetRouteTableId,
    string State)
{
    /// <summary>Entry states are active and deleted; only active entries take part (R-TGW-23).</summary>
    public bool IsActive => !string.Equals(State, "deleted", StringComparison.OrdinalIgnoreCase);
    public string Text => $"policy rule {PolicyRuleNumber}: {PolicyRule.Text} -> {TargetRouteTableId ?? "(no route table)"}";
}

/// <summary>An attachment's association with a policy table (get-transit-gateway-policy-table-associations).</summary>
public sealed record TransitGatewayPolicyTableAssociation(
    string TransitGatewayPolicyTableId,
    string TransitGatewayAttachmentId,
    string? ResourceId,
    string? ResourceType,
    string State)
{
    /// <summary>Association states are associating, associated, disassociating and disassociated.</summary>
    public bool IsAssociated => string.Equals(State, "associated", StringComparison.OrdinalIgnoreCase);
    public bool IsDisassociated => string.Equals(State, "disassociated", StringComparison.OrdinalIgnoreCase);
}

/// <summary>
/// VPC Block Public Access settings of one account and region (describe-vpc-block-public-access-options, R-BPA-1):
/// InternetGatewayBlockMode off, block-bidirectional or block-ingress.
/// </summary>
public sealed record VpcBlockPublicAccessOptions(
    string? AwsAccountId,
    string? AwsRegion,
    string InternetGatewayBlockMode,
    string? ExclusionsAllowed,
    string? State,
    ResourceOrigin Origin)
{
    public bool IsOff => string.Equals(InternetGatewayBlockMode, "off", StringComparison.OrdinalIgnoreCase);
    /// <summary>Exclusions count unless an AWS Organizations policy says not-allowed (R-BPA-4).</summary>
    public bool ExclusionsApply => !string.Equals(ExclusionsAllowed, "not-allowed", StringComparison.OrdinalIgnoreCase);
    /// <summary>Option states are default-state, update-in-progress and update-complete; in progress means the mode is changing.</summary>
    public bool IsChanging => string.Equals(State, "update-in-progress", StringComparison.OrdinalIgnoreCase);
}

/// <summary>
/// A VPC Block Public Access exclusion (describe-vpc-block-public-access-exclusions, R-BPA-3): one VPC or subnet exempted
/// with allow-bidirectional or allow-egress. <see cref="VpcId"/> or <see cref="SubnetId"/> comes from the resource ARN.
/// </summary>
public sealed record VpcBlockPublicAccessExclusion(
    string ExclusionId,
    string InternetGatewayExclusionMode,
    string? ResourceArn,
    string? VpcId,
    string? SubnetId,
    string State,
    ResourceOrigin Origin)
{
    public bool AllowsBidirectional => string.Equals(InternetGatewayExclusionMode, "allow-bidirectional", StringComparison.OrdinalIgnoreCase);
    public bool AllowsEgress => string.Equals(InternetGatewayExclusionMode, "allow-egress", StringComparison.OrdinalIgnoreCase);
    /// <summary>create-complete and update-complete are in effect.</summary>
    public bool InEffect => State.Equals("create-complete", StringComparison.OrdinalIgnoreCase) || State.Equals("update-complete", StringComparison.OrdinalIgnoreCase);
    /// <summary>A state in which AWS may or may not apply the exclusion yet: create-, update-, delete- or disable-in-progress, or update-failed.</summary>
    public bool IsChanging => State.EndsWith("-in-progress", StringComparison.OrdinalIgnoreCase) || State.Equals("update-failed", StringComparison.OrdinalIgnoreCase);
    public string Target => SubnetId ?? VpcId ?? ResourceArn ?? "?";
    public string Text => $"{ExclusionId} ({InternetGatewayExclusionMode} on {Target}, {State})";
}
