using System.Runtime.CompilerServices;
using System.Text.Json;
using PacketWalk.Core.Model;
using PacketWalk.Core.Net;

namespace PacketWalk.Core.Snapshot.Parsers;

// VPCs, subnets, route tables, network ACLs, security groups and prefix lists.
internal sealed partial class DocumentParser
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ParseVpc(JsonElement o, JsonPath path)
    {
        var id = ReqStr(o, path, "VpcId");
        var v4 = new List<Cidr>(1);
        if (CidrOpt(o, path, "CidrBlock") is { } primary) v4.Add(primary);
        foreach (var (el, p) in Objects(o, path, "CidrBlockAssociationSet"))
            if (InEffect(AssociationState(el, p, "CidrBlockState")) && CidrOpt(el, p, "CidrBlock") is { } c && !v4.Contains(c))
                v4.Add(c);
        var v6 = new List<Cidr>(0);
        foreach (var (el, p) in Objects(o, path, "Ipv6CidrBlockAssociationSet"))
            if (InEffect(AssociationState(el, p, "Ipv6CidrBlockState")) && CidrOpt(el, p, "Ipv6CidrBlock") is { } c && !v6.Contains(c))
                v6.Add(c);
        var owner = Owner(Str(o, path, "OwnerId"));
        _b.Vpcs.Add(new Vpc(id, v4, v6, Bool(o, path, "IsDefault") ?? false, owner, Origin(path, owner)) { Name = NameTag(o, path) });
    }

    /// <summary>The <c>State</c> inside a <c>…State</c> object (CidrBlockState, AssociationState).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private string? AssociationState(JsonElement o, JsonPath path, string stateObject) =>
        TryObject(o, path, stateObject, out var s, out var sp) ? Str(s, sp, "State") : null;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ParseSubnet(JsonElement o, JsonPath path)
    {
        var id = ReqStr(o, path, "SubnetId");
        var vpcId = ReqStr(o, path, "VpcId");
        var v6 = new List<Cidr>(0);
        foreach (var (el, p) in Objects(o, path, "Ipv6CidrBlockAssociationSet"))
            if (InEffect(AssociationState(el, p, "Ipv6CidrBlockState")) && CidrOpt(el, p, "Ipv6CidrBlock") is { } c && !v6.Contains(c))
                v6.Add(c);
        var azId = Str(o, path, "AvailabilityZoneId");
        var owner = Owner(Str(o, path, "OwnerId"));
        _b.Subnets.Add(new Subnet(id, vpcId, Str(o, path, "AvailabilityZone") ?? azId ?? "", azId,
            CidrOpt(o, path, "CidrBlock"), v6, owner, Origin(path, owner)) { Name = NameTag(o, path) });
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ParseRouteTable(JsonElement o, JsonPath path)
    {
        var id = ReqStr(o, path, "RouteTableId");
        var vpcId = ReqStr(o, path, "VpcId");
        var routes = new List<Route>();
        foreach (var (el, p) in Objects(o, path, "Routes"))
            routes.Add(ParseRoute(el, p));
        var associations = new List<RouteTableAssociation>();
        foreach (var (el, p) in Objects(o, path, "Associations"))
        {
            if (!InEffect(AssociationState(el, p, "AssociationState"))) continue;
            associations.Add(new RouteTableAssociation(Str(el, p, "SubnetId"), Str(el, p, "GatewayId"), Bool(el, p, "Main") ?? false));
        }
        var owner = Owner(Str(o, path, "OwnerId"));
        _b.RouteTables.Add(new RouteTable(id, vpcId, routes, associations, owner, Origin(path, owner)));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private Route ParseRoute(JsonElement o, JsonPath path)
    {
        var dest = SingleFamilyCidr(o, path, "DestinationCidrBlock", "DestinationIpv6CidrBlock");
        var prefixList = Str(o, path, "DestinationPrefixListId");
        if (dest is null && prefixList is null) throw Missing(path, "DestinationCidrBlock");

        RouteTargetType type;
        string? target;
        if (Str(o, path, "GatewayId") is { } gw)
        {
            target = gw;
            type = gw == "local" ? RouteTargetType.Local
                : gw.StartsWith("igw-", StringComparison.Ordinal) ? RouteTargetType.InternetGateway
                : gw.StartsWith("vgw-", StringComparison.Ordinal) ? RouteTargetType.VirtualPrivateGateway
                : gw.StartsWith("vpce-", StringComparison.Ordinal) ? RouteTargetType.VpcEndpoint
                : gw.StartsWith("eigw-", StringComparison.Ordinal) ? RouteTargetType.EgressOnlyInternetGateway
                : RouteTargetType.Unknown;
        }
        else if ((target = Str(o, path, "TransitGatewayId")) is not null) type = RouteTargetType.TransitGateway;
        else if ((target = Str(o, path, "NatGatewayId")) is not null) type = RouteTargetType.NatGateway;
        else if ((target = Str(o, path, "VpcPeeringConnectionId")) is not null) type = RouteTargetType.VpcPeering;
        else if ((target = Str(o, path, "NetworkInterfaceId")) is not null) type = RouteTargetType.NetworkInterface;
        else if ((target = Str(o, path, "InstanceId")) is not null) type = RouteTargetType.Instance;
        else if ((target = Str(o, path, "EgressOnlyInternetGatewayId")) is not null) type = RouteTargetType.EgressOnlyInternetGateway;
        else if ((target = Str(o, path, "CarrierGatewayId")) is not null) type = RouteTargetType.CarrierGateway;
        else if ((target = Str(o, path, "LocalGatewayId")) is not null) type = RouteTargetType.LocalGateway;
        else if ((target = Str(o, path, "CoreNetworkArn")) is not null) type = RouteTargetType.CoreNetwork;
        else type = RouteTargetType.Unknown;

        return new Route(dest, prefixList, type, target, Str(o, path, "State") ?? "active", Str(o, path, "Origin"));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ParseNetworkAcl(JsonElement o, JsonPath path)
    {
        var id = ReqStr(o, path, "NetworkAclId");
        var vpcId = ReqStr(o, path, "VpcId");
        var entries = new List<NetworkAclEntry>();
        var numbers = new HashSet<(bool Egress, int Number, bool StarV6)>();
        foreach (var (el, p) in Objects(o, path, "Entries"))
        {
            var entry = ParseNetworkAclEntry(el, p);
            // R-NACL-2: a rule number is unique within a direction. Two entries under one number would make the verdict
            // depend on their order in the file. Only the * rule (32767) appears twice: once for IPv4, once for IPv6.
            if (!numbers.Add((entry.Egress, entry.RuleNumber, entry.RuleNumber == StarRuleNumber && entry.Cidr.IsV6)))
                throw new SnapshotException(SnapshotErrorIds.DuplicateId,
                    $"rule number {entry.RuleNumber} appears twice among the {(entry.Egress ? "outbound" : "inbound")} rules of {id}; AWS allows each number once per direction",
                    _file, Child(p, "RuleNumber").ToString());
            entries.Add(entry);
        }
        var subnets = FieldOfEach(o, path, "Associations", "SubnetId");
        var owner = Owner(Str(o, path, "OwnerId"));
        _b.NetworkAcls.Add(new NetworkAcl(id, vpcId, Bool(o, path, "IsDefault") ?? false, entries, subnets, owner, Origin(path, owner)));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private NetworkAclEntry ParseNetworkAclEntry(JsonElement o, JsonPath path)
    {
        var number = ReqInt(o, path, "RuleNumber");
        if (number is < 1 or > StarRuleNumber) throw Invalid(Child(path, "RuleNumber"), $"RuleNumber must be 1-32766 (or 32767 for the * rule), not {number}");
        var egress = Bool(o, path, "Egress") ?? throw Missing(path, "Egress");
        var protocolText = StrOrNumber(o, path, "Protocol") ?? throw Missing(path, "Protocol");
        if (!IpProtocol.TryParse(protocolText, out var protocol))
            throw Invalid(Child(path, "Protocol"), $"'{Shorten(protocolText)}' is not an IP protocol (-1, 0-255, tcp, udp, icmp, icmpv6)");
        var action = Str(o, path, "RuleAction") ?? throw Missing(path, "RuleAction");
        bool allow = action.Equals("allow", StringComparison.OrdinalIgnoreCase) ? true
            : action.Equals("deny", StringComparison.OrdinalIgnoreCase) ? false
            : throw Invalid(Child(path, "RuleAction"), $"RuleAction must be allow or deny, not '{Shorten(action)}'");
        var cidr = SingleFamilyCidr(o, path, "CidrBlock", "Ipv6CidrBlock") ?? throw Missing(path, "CidrBlock");
        // R-NACL-3: 32767 is the unmodifiable * rule, and it only ever denies everything. An entry there that allows
        // (or narrows) would be invented data, and trusting it could turn a drop into "Reachable".
        if (number == StarRuleNumber && (allow || protocol != IpProtocol.All || cidr.PrefixLength != 0))
            throw Invalid(Child(path, "RuleNumber"), $"rule 32767 is the * rule, which denies all traffic to and from 0.0.0.0/0 or ::/0; this entry says {(allow ? "allow" : "deny")} {IpProtocol.Name(protocol)} {cidr}");

        PortRange? ports = null;
        if (TryObject(o, path, "PortRange", out var pr, out var prPath))
        {
            var from = Int(pr, prPath, "From");
            var to = Int(pr, prPath, "To");
            if (from is not null || to is not null)
            {
                int f = from ?? to!.Value, t = to ?? f;
                if (f is < 0 or > 65535) throw Invalid(Child(prPath, "From"), $"port {f} is outside 0-65535");
                if (t is < 0 or > 65535) throw Invalid(Child(prPath, "To"), $"port {t} is outside 0-65535");
                if (f > t) throw Invalid(prPath, $"port range {f}-{t} runs backwards");
                ports = new PortRange(f, t);
            }
        }
        int? icmpType = null, icmpCode = null;
        if (TryObject(o, path, "IcmpTypeCode", out var icmp, out var icmpPath))
        {
            icmpType = Int(icmp, icmpPath, "Type");
            icmpCode = Int(icmp, icmpPath, "Code");
        }
        return new NetworkAclEntry(number, egress, protocol, allow, cidr, ports, icmpType, icmpCode);
    }

    /// <summary>The number of the * rule that ends every NACL (R-NACL-3).</summary>
    private const int StarRuleNumber = 32767;

    /// <summary>
    /// An IPv4 field and its IPv6 twin (CidrBlock / Ipv6CidrBlock): at most one may be set, each with its own family.
    /// AWS never fills both; reading only one of them would silently drop the other half of a rule (R-NACL-4, R-RT-5).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private Cidr? SingleFamilyCidr(JsonElement o, JsonPath path, string v4Name, string v6Name)
    {
        var v4 = FamilyCidr(o, path, v4Name, v6: false);
        var v6 = FamilyCidr(o, path, v6Name, v6: true);
        if (v4 is not null && v6 is not null)
            throw Invalid(path, $"{v4Name} ({v4}) and {v6Name} ({v6}) are both set; an entry has one address family, so one of them would be ignored");
        return v4 ?? v6;
    }

    /// <summary>A CIDR field that must hold one family: CidrBlock/CidrIp are IPv4, Ipv6CidrBlock/CidrIpv6 are IPv6.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private Cidr? FamilyCidr(JsonElement o, JsonPath path, string name, bool v6)
    {
        var cidr = CidrOpt(o, path, name);
        if (cidr is { } c && c.IsV6 != v6)
            throw Invalid(Child(path, name), $"{name} holds the {(c.IsV6 ? "IPv6" : "IPv4")} CIDR {c}; it takes {(v6 ? "IPv6" : "IPv4")} only");
        return cidr;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ParseSecurityGroup(JsonElement o, JsonPath path)
    {
        var id = ReqStr(o, path, "GroupId");
        var ingress = new List<SecurityGroupRule>();
        foreach (var (el, p) in Objects(o, path, "IpPermissions"))
            FlattenPermission(ingress, el, p, id, RuleDirection.Inbound);
        var egress = new List<SecurityGroupRule>();
        foreach (var (el, p) in Objects(o, path, "IpPermissionsEgress"))
            FlattenPermission(egress, el, p, id, RuleDirection.Outbound);
        var owner = Owner(Str(o, path, "OwnerId"));
        _b.SecurityGroups.Add(new SecurityGroup(id, Str(o, path, "GroupName"), Str(o, path, "VpcId"), ingress, egress, owner, Origin(path, owner)));
    }

    /// <summary>One IpPermission becomes one rule per peer: each CIDR, IPv6 CIDR, prefix list and group pair (R-SG-4).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void FlattenPermission(List<SecurityGroupRule> rules, JsonElement o, JsonPath path, string groupId, RuleDirection direction)
    {
        var protocolText = StrOrNumber(o, path, "IpProtocol") ?? throw Missing(path, "IpProtocol");
        if (!IpProtocol.TryParse(protocolText, out var protocol))
            throw Invalid(Child(path, "IpProtocol"), $"'{Shorten(protocolText)}' is not an IP protocol (tcp, udp, icmp, icmpv6, -1 or 0-255)");
        var from = Int(o, path, "FromPort");
        var to = Int(o, path, "ToPort");

        foreach (var (el, p) in Objects(o, path, "IpRanges"))
        {
            var cidr = FamilyCidr(el, p, "CidrIp", v6: false) ?? throw Missing(p, "CidrIp");
            rules.Add(new SecurityGroupRule(groupId, direction, protocol, from, to, cidr, null, null, null, Str(el, p, "Description")));
        }
        foreach (var (el, p) in Objects(o, path, "Ipv6Ranges"))
        {
            var cidr = FamilyCidr(el, p, "CidrIpv6", v6: true) ?? throw Missing(p, "CidrIpv6");
            rules.Add(new SecurityGroupRule(groupId, direction, protocol, from, to, cidr, null, null, null, Str(el, p, "Description")));
        }
        foreach (var (el, p) in Objects(o, path, "PrefixListIds"))
            rules.Add(new SecurityGroupRule(groupId, direction, protocol, from, to, null, ReqStr(el, p, "PrefixListId"), null, null, Str(el, p, "Description")));
        foreach (var (el, p) in Objects(o, path, "UserIdGroupPairs"))
        {
            var referenced = Str(el, p, "GroupId");
            if (referenced is null && Str(el, p, "GroupName") is null) throw Missing(p, "GroupId");
            rules.Add(new SecurityGroupRule(groupId, direction, protocol, from, to, null, null, referenced, Str(el, p, "UserId"), Str(el, p, "Description")));
        }
    }

    /// <summary>
    /// describe-prefix-lists (<c>Cidrs: ["…"]</c>) and describe-managed-prefix-lists (<c>Entries: [{Cidr}]</c> when inlined).
    /// Either key accepts either shape, as hand-made snapshots mix them; lists seen twice are merged by id at Build().
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ParsePrefixList(JsonElement o, JsonPath path)
    {
        var id = ReqStr(o, path, "PrefixListId");
        var cidrs = Entries(o, path);
        int i = 0;
        foreach (var text in Strings(o, path, "Cidrs"))
        {
            if (!Cidr.TryParse(text, out var c, out var error)) throw Invalid(Index(Child(path, "Cidrs").ToString(), i), error);
            cidrs.Add(c);
            i++;
        }
        var owner = Str(o, path, "OwnerId"); // AWS-managed lists say "AWS"; no folder fallback for the list's own owner
        _b.PrefixLists.Add(new PrefixList(id, Str(o, path, "PrefixListName"), cidrs, owner, Origin(path, owner)));
    }

    /// <summary><c>{"PrefixListEntries":[{"PrefixListId":…,"Entries":[{"Cidr":…}]}]}</c>: merged by id when the model is built.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ParsePrefixListEntries(JsonElement o, JsonPath path)
    {
        var id = ReqStr(o, path, "PrefixListId");
        _state.PrefixListEntries.Add((id, Entries(o, path), Origin(path, null)));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private List<Cidr> Entries(JsonElement o, JsonPath path)
    {
        var cidrs = new List<Cidr>();
        foreach (var (el, p) in Objects(o, path, "Entries"))
        {
            cidrs.Add(CidrOpt(el, p, "Cidr") ?? throw Missing(p, "Cidr"));
        }
        return cidrs;
    }
}
