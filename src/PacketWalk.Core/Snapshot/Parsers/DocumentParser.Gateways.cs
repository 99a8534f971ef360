using System.Runtime.CompilerServices;
using System.Text.Json;
using PacketWalk.Core.Model;
using PacketWalk.Core.Net;

namespace PacketWalk.Core.Snapshot.Parsers;

// Transit gateways, peering, internet/NAT gateways and VPC endpoints.
internal sealed partial class DocumentParser
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ParseTransitGateway(JsonElement o, JsonPath path)
    {
        var id = ReqStr(o, path, "TransitGatewayId");
        string? assocDefault = null, propDefault = null;
        bool sgRef = false;
        if (TryObject(o, path, "Options", out var options, out var optionsPath))
        {
            assocDefault = Str(options, optionsPath, "AssociationDefaultRouteTableId");
            propDefault = Str(options, optionsPath, "PropagationDefaultRouteTableId");
            sgRef = EnableFlag(options, optionsPath, "SecurityGroupReferencingSupport") ?? false; // TGW default: disable (R-TGW-12)
        }
        var owner = Owner(Str(o, path, "OwnerId"));
        _b.TransitGateways.Add(new TransitGateway(id, Str(o, path, "State"), assocDefault, propDefault, sgRef, owner, Origin(path, owner)));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ParseTransitGatewayAttachment(JsonElement o, JsonPath path)
    {
        var id = ReqStr(o, path, "TransitGatewayAttachmentId");
        var tgw = ReqStr(o, path, "TransitGatewayId");
        var resourceId = Str(o, path, "ResourceId");
        var resourceType = Str(o, path, "ResourceType")
            ?? (resourceId?.StartsWith("vpc-", StringComparison.Ordinal) == true ? "vpc" : "unknown");
        string? rt = null, assocState = null;
        if (TryObject(o, path, "Association", out var assoc, out var assocPath))
        {
            rt = Str(assoc, assocPath, "TransitGatewayRouteTableId");
            assocState = Str(assoc, assocPath, "State");
        }
        var resourceOwner = Str(o, path, "ResourceOwnerId");
        _b.TransitGatewayAttachments.Add(new TransitGatewayAttachment(id, tgw, resourceType, resourceId, resourceOwner,
            Str(o, path, "State") ?? "available", rt, assocState, Origin(path, null)));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ParseTransitGatewayVpcAttachment(JsonElement o, JsonPath path)
    {
        var id = ReqStr(o, path, "TransitGatewayAttachmentId");
        var tgw = ReqStr(o, path, "TransitGatewayId");
        var vpcId = ReqStr(o, path, "VpcId");
        bool appliance = false, sgRef = true, ipv6 = false; // AWS defaults at creation (R-TGW-6, R-TGW-12)
        if (TryObject(o, path, "Options", out var options, out var optionsPath))
        {
            appliance = EnableFlag(options, optionsPath, "ApplianceModeSupport") ?? appliance;
            sgRef = EnableFlag(options, optionsPath, "SecurityGroupReferencingSupport") ?? sgRef;
            ipv6 = EnableFlag(options, optionsPath, "Ipv6Support") ?? ipv6;
        }
        var vpcOwner = Str(o, path, "VpcOwnerId");
        _b.TransitGatewayVpcAttachments.Add(new TransitGatewayVpcAttachment(id, tgw, vpcId, vpcOwner, Strings(o, path, "SubnetIds"),
            Str(o, path, "State") ?? "available", appliance, sgRef, ipv6, Origin(path, null)));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ParseTransitGatewayRouteTable(JsonElement o, JsonPath path)
    {
        var id = ReqStr(o, path, "TransitGatewayRouteTableId");
        _b.TransitGatewayRouteTables.Add(new TransitGatewayRouteTable(id, ReqStr(o, path, "TransitGatewayId"),
            Bool(o, path, "DefaultAssociationRouteTable") ?? false, Bool(o, path, "DefaultPropagationRouteTable") ?? false,
            Str(o, path, "State"), Origin(path, null)));
    }

    /// <summary>Batfish's wrapping of search-transit-gateway-routes: <c>[{TransitGatewayRouteTableId, Routes: [...]}]</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ParseTransitGatewayRoutes(JsonElement o, JsonPath path)
    {
        var rt = ReqStr(o, path, "TransitGatewayRouteTableId");
        if (TryArray(o, path, "Routes", out _)) _b.TransitGatewayRouteTablesWithRoutesListed.Add(rt);
        foreach (var (el, p) in Objects(o, path, "Routes"))
            _b.TransitGatewayRoutes.Add(ParseTransitGatewayRoute(el, p, rt));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private TransitGatewayRoute ParseTransitGatewayRoute(JsonElement o, JsonPath path, string routeTableId)
    {
        var dest = CidrOpt(o, path, "DestinationCidrBlock");
        var prefixList = Str(o, path, "PrefixListId");
        if (dest is null && prefixList is null) throw Missing(path, "DestinationCidrBlock");
        var typeText = Str(o, path, "Type");
        // R-TGW-17: a prefix-list reference displays as "propagated" but ranks second; the list id is what tells it apart.
        var type = prefixList is not null ? TgwRouteType.PrefixListReference
            : typeText is null || typeText.Equals("static", StringComparison.OrdinalIgnoreCase) ? TgwRouteType.Static
            : typeText.Equals("propagated", StringComparison.OrdinalIgnoreCase) ? TgwRouteType.Propagated
            : throw Invalid(Child(path, "Type"), $"Type must be static or propagated, not '{Shorten(typeText)}'");

        var targets = new List<TransitGatewayRouteTarget>(1);
        foreach (var (el, p) in Objects(o, path, "TransitGatewayAttachments"))
            targets.Add(new TransitGatewayRouteTarget(ReqStr(el, p, "TransitGatewayAttachmentId"), Str(el, p, "ResourceId"), Str(el, p, "ResourceType")));
        return new TransitGatewayRoute(routeTableId, dest, prefixList, type, Str(o, path, "State") ?? "active", targets);
    }

    /// <summary>Batfish's wrapping of get-transit-gateway-route-table-propagations.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ParseTransitGatewayPropagations(JsonElement o, JsonPath path)
    {
        var rt = ReqStr(o, path, "TransitGatewayRouteTableId");
        if (TryArray(o, path, "TransitGatewayRouteTablePropagations", out _)) _b.TransitGatewayRouteTablesWithPropagationsListed.Add(rt);
        foreach (var (el, p) in Objects(o, path, "TransitGatewayRouteTablePropagations"))
            _b.TransitGatewayPropagations.Add(new TransitGatewayPropagation(rt, ReqStr(el, p, "TransitGatewayAttachmentId"),
                Str(el, p, "ResourceId"), Str(el, p, "ResourceType"), Str(el, p, "State") ?? "enabled"));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ParseVpcPeeringConnection(JsonElement o, JsonPath path)
    {
        var id = ReqStr(o, path, "VpcPeeringConnectionId");
        var requester = PeeringSide(o, path, "RequesterVpcInfo");
        var accepter = PeeringSide(o, path, "AccepterVpcInfo");
        string status = "active";
        if (TryObject(o, path, "Status", out var st, out var stPath)) status = Str(st, stPath, "Code") ?? status;
        _b.VpcPeeringConnections.Add(new VpcPeeringConnection(id,
            requester.VpcId, requester.OwnerId, requester.Region, requester.Cidrs,
            accepter.VpcId, accepter.OwnerId, accepter.Region, accepter.Cidrs,
            status, Origin(path, null)));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private (string VpcId, string? OwnerId, string? Region, List<Cidr> Cidrs) PeeringSide(JsonElement o, JsonPath path, string name)
    {
        if (!TryObject(o, path, name, out var side, out var sidePath)) throw Missing(path, name);
        var cidrs = new List<Cidr>(1);
        if (CidrOpt(side, sidePath, "CidrBlock") is { } c) cidrs.Add(c);
        foreach (var (el, p) in Objects(side, sidePath, "CidrBlockSet"))
            if (CidrOpt(el, p, "CidrBlock") is { } x && !cidrs.Contains(x)) cidrs.Add(x);
        foreach (var (el, p) in Objects(side, sidePath, "Ipv6CidrBlockSet"))
            if (CidrOpt(el, p, "Ipv6CidrBlock") is { } x && !cidrs.Contains(x)) cidrs.Add(x);
        return (ReqStr(side, sidePath, "VpcId"), Str(side, sidePath, "OwnerId"), Str(side, sidePath, "Region"), cidrs);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private List<string> AttachedVpcs(JsonElement o, JsonPath path)
    {
        var vpcs = new List<string>(1);
        foreach (var (el, p) in Objects(o, path, "Attachments"))
            if (InEffect(Str(el, p, "State")) && Str(el, p, "VpcId") is { Length: > 0 } vpc)
                vpcs.Add(vpc);
        return vpcs;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ParseInternetGateway(JsonElement o, JsonPath path)
    {
        var id = ReqStr(o, path, "InternetGatewayId");
        var owner = Owner(Str(o, path, "OwnerId"));
        _b.InternetGateways.Add(new InternetGateway(id, AttachedVpcs(o, path), owner, Origin(path, owner)));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ParseEgressOnlyInternetGateway(JsonElement o, JsonPath path)
    {
        var id = ReqStr(o, path, "EgressOnlyInternetGatewayId");
        _b.EgressOnlyInternetGateways.Add(new EgressOnlyInternetGateway(id, AttachedVpcs(o, path), Origin(path, Str(o, path, "OwnerId"))));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ParseNatGateway(JsonElement o, JsonPath path)
    {
        var id = ReqStr(o, path, "NatGatewayId");
        var vpcId = ReqStr(o, path, "VpcId");
        var addresses = new List<NatGatewayAddress>(1);
        foreach (var (el, p) in Objects(o, path, "NatGatewayAddresses"))
            addresses.Add(new NatGatewayAddress(Str(el, p, "NetworkInterfaceId"), IpOpt(el, p, "PrivateIp"), IpOpt(el, p, "PublicIp"),
                Str(el, p, "AllocationId"), Bool(el, p, "IsPrimary") ?? false, Str(el, p, "AvailabilityZone"))
            {
                AvailabilityZoneId = Str(el, p, "AvailabilityZoneId"),
                Status = Str(el, p, "Status"),
            });
        _b.NatGateways.Add(new NatGateway(id, Str(o, path, "SubnetId"), vpcId, Str(o, path, "State") ?? "available",
            Str(o, path, "ConnectivityType") ?? "public", Str(o, path, "AvailabilityMode"), addresses, Origin(path, null))
        {
            RouteTableId = Str(o, path, "RouteTableId"),
            AutoProvisionZones = Str(o, path, "AutoProvisionZones"),
        });
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ParseVpcEndpoint(JsonElement o, JsonPath path)
    {
        var id = ReqStr(o, path, "VpcEndpointId");
        var vpcId = ReqStr(o, path, "VpcId");
        var routeTables = Strings(o, path, "RouteTableIds");
        var type = Str(o, path, "VpcEndpointType") ?? (routeTables.Count > 0 ? "Gateway" : "Interface");
        var owner = Str(o, path, "OwnerId");
        _b.VpcEndpoints.Add(new VpcEndpoint(id, type, vpcId, Str(o, path, "ServiceName"), Str(o, path, "State") ?? "available",
            routeTables, Strings(o, path, "SubnetIds"), Strings(o, path, "NetworkInterfaceIds"),
            FieldOfEach(o, path, "Groups", "GroupId"), PolicyDocument(o, path), Origin(path, owner)));
    }

    /// <summary>PolicyDocument is a JSON string in the API; some dumps inline it as an object. Keep it as text either way.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private string? PolicyDocument(JsonElement o, JsonPath path)
    {
        if (!TryGet(o, "PolicyDocument", out var v)) return null;
        return v.ValueKind switch
        {
            JsonValueKind.String => v.GetString(),
            JsonValueKind.Object => v.GetRawText(),
            _ => throw Invalid(Child(path, "PolicyDocument"), $"PolicyDocument must be a string, not {KindText(v.ValueKind)}"),
        };
    }
}
