using System.Runtime.CompilerServices;
using System.Globalization;
using System.Text.Json;
using PacketWalk.Core.Model;

namespace PacketWalk.Core.Snapshot.Parsers;

// Transit gateway peering, prefix-list references, Site-to-Site VPN and virtual private gateways: the estate's edges.
internal sealed partial class DocumentParser
{
    /// <summary>describe-transit-gateway-peering-attachments: both TGWs of the peering with their account and region.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ParseTransitGatewayPeeringAttachment(JsonElement o, JsonPath path)
    {
        var id = ReqStr(o, path, "TransitGatewayAttachmentId");
        var requester = PeeringTgw(o, path, "RequesterTgwInfo");
        var accepter = PeeringTgw(o, path, "AccepterTgwInfo");
        var state = Str(o, path, "State");
        if (state is null && TryObject(o, path, "Status", out var st, out var stPath)) state = Str(st, stPath, "Code");
        _b.TransitGatewayPeeringAttachments.Add(new TransitGatewayPeeringAttachment(id,
            requester.TgwId, requester.OwnerId, requester.Region, accepter.TgwId, accepter.OwnerId, accepter.Region,
            state ?? "available", Origin(path, null)));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private (string TgwId, string? OwnerId, string? Region) PeeringTgw(JsonElement o, JsonPath path, string name)
    {
        if (!TryObject(o, path, name, out var side, out var sidePath)) throw Missing(path, name);
        return (ReqStr(side, sidePath, "TransitGatewayId"), Str(side, sidePath, "OwnerId"), Str(side, sidePath, "Region"));
    }

    /// <summary>
    /// get-transit-gateway-prefix-list-references: one row per (route table, prefix list). Each becomes a prefix-list
    /// route ranked second (R-TGW-17); <c>Blackhole: true</c> makes it a blackhole route (R-TGW-16).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ParseTransitGatewayPrefixListReference(JsonElement o, JsonPath path)
    {
        var rt = ReqStr(o, path, "TransitGatewayRouteTableId");
        var pl = ReqStr(o, path, "PrefixListId");
        var blackhole = Bool(o, path, "Blackhole") ?? false;
        var targets = new List<TransitGatewayRouteTarget>(1);
        if (!blackhole && TryObject(o, path, "TransitGatewayAttachment", out var att, out var attPath))
            targets.Add(new TransitGatewayRouteTarget(ReqStr(att, attPath, "TransitGatewayAttachmentId"), Str(att, attPath, "ResourceId"), Str(att, attPath, "ResourceType")));
        // Reference states are pending|available|modifying|deleting; a route is active unless it is a blackhole or in transition.
        var state = Str(o, path, "State") ?? "available";
        var routeState = blackhole ? "blackhole"
            : state.Equals("available", StringComparison.OrdinalIgnoreCase) || state.Equals("modifying", StringComparison.OrdinalIgnoreCase) ? "active"
            : state.ToLowerInvariant();
        _b.TransitGatewayRoutes.Add(new TransitGatewayRoute(rt, null, pl, TgwRouteType.PrefixListReference, routeState, targets));
    }

    /// <summary>describe-vpn-connections: state, where it terminates (TGW or VGW) and each tunnel's telemetry.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ParseVpnConnection(JsonElement o, JsonPath path)
    {
        var id = ReqStr(o, path, "VpnConnectionId");
        bool staticOnly = false;
        if (TryObject(o, path, "Options", out var options, out var optionsPath))
            staticOnly = Bool(options, optionsPath, "StaticRoutesOnly") ?? false;
        var tunnels = new List<VpnTunnel>(2);
        foreach (var (el, p) in Objects(o, path, "VgwTelemetry"))
            tunnels.Add(new VpnTunnel(Str(el, p, "OutsideIpAddress"), Str(el, p, "Status") ?? "UNKNOWN", Str(el, p, "StatusMessage")));
        _b.VpnConnections.Add(new VpnConnection(id, Str(o, path, "State") ?? "available", Str(o, path, "TransitGatewayId"),
            Str(o, path, "VpnGatewayId"), Str(o, path, "CustomerGatewayId"), staticOnly, tunnels, Origin(path, null)));
    }

    /// <summary>describe-vpn-gateways: the VPCs a virtual private gateway is attached to.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ParseVpnGateway(JsonElement o, JsonPath path)
    {
        var id = ReqStr(o, path, "VpnGatewayId");
        var vpcs = new List<string>(1);
        foreach (var (el, p) in Objects(o, path, "VpcAttachments"))
            if (Str(el, p, "State") is null or "attached" && Str(el, p, "VpcId") is { Length: > 0 } vpc)
                vpcs.Add(vpc);
        long? asn = null;
        if (StrOrNumber(o, path, "AmazonSideAsn") is { } asnText)
            asn = long.TryParse(asnText, NumberStyles.None, CultureInfo.InvariantCulture, out var a) ? a
                : throw Invalid(Child(path, "AmazonSideAsn"), $"AmazonSideAsn must be a number, not '{Shorten(asnText)}'");
        _b.VpnGateways.Add(new VpnGateway(id, Str(o, path, "State") ?? "available", vpcs, asn, Origin(path, null)));
    }
}
